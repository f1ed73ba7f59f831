/**
 * Closed-loop load: `clients` concurrent clients, each sending its next request only when its previous
 * one was answered, until `next` has no more work. Latency is request to answer of the successful ones;
 * a failed answer or a thrown error (a refused connection, a reset) counts as an error of its kind.
 *
 * Paced (`pace`): request i is due at start + i / perSecond, sent by the first free client no earlier than
 * that. A closed loop with no pause only measures the machine saturated (latency = clients / throughput,
 * whatever the system); paced, it measures latency at an offered load below saturation, which is what a
 * latency target means for users. Latency then runs from the time the request was due, not when a client
 * got free to send it, so a backlog counts in full (no coordinated omission).
 */
import { countError, type Measured } from './stats.js';

export type Outcome = { ok: true } | { ok: false; kind: string };

export const OK: Outcome = { ok: true };

/** The kind of a thrown error: its Node code (ECONNRESET) where it has one. */
function errorKind(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return `error ${code}`;
  return `error ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * Runs the loop and measures it. `next(client)` hands client number `client` its next piece of work, or
 * undefined when that client is done; `send` does it. Seconds run from the start to the last answer.
 */
export async function closedLoop<Work>(
  name: string,
  clients: number,
  next: (client: number) => Work | undefined,
  send: (work: Work, client: number) => Promise<Outcome>,
  pace?: { perSecond: number },
): Promise<Measured> {
  const latenciesMs: number[] = [];
  const errorKinds: Record<string, number> = {};
  let ops = 0;
  let errors = 0;
  let due = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let work = next(client); work !== undefined; work = next(client)) {
        let sent = performance.now();
        if (pace) {
          sent = started + (due++ * 1000) / pace.perSecond;
          const wait = sent - performance.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        }
        let outcome: Outcome;
        try {
          outcome = await send(work, client);
        } catch (error) {
          outcome = { ok: false, kind: errorKind(error) };
        }
        if (outcome.ok) {
          ops += 1;
          latenciesMs.push(performance.now() - sent);
        } else {
          errors += 1;
          countError(errorKinds, outcome.kind);
        }
      }
    }),
  );
  return {
    name,
    ops,
    seconds: (performance.now() - started) / 1000,
    latenciesMs,
    errors,
    ...(errors > 0 ? { errorKinds } : {}),
  };
}
