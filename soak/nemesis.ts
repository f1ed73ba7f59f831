/**
 * The nemesis: on a schedule it prints before it starts, it kills with -9 every service (the signer
 * included, and one of two replicas of the order and wallet services), restarts the Kafka broker and
 * PostgreSQL, flushes Redis, stages chain reorganisations and pauses a service (SIGSTOP, then SIGCONT).
 * A killed service is brought back after a few seconds, as Kubernetes would restart its pod.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  REPO_ROOT,
  SERVICE_NAMES,
  killService,
  lastExitCode,
  servicePid,
  stackEndpoints,
  startReplica,
  startService,
  type RegtestControl,
  type Replica,
  type ServiceName,
} from '@dbay/testing';
import { sleep } from './api.js';

const run = promisify(execFile);

export type FaultKind =
  | 'kill-wallet'
  | 'kill-order'
  | 'kill-order-replica'
  | 'kill-wallet-replica'
  | 'kill-deposit-watcher'
  | 'kill-withdrawal-saga'
  | 'kill-signer'
  | 'kill-reconciler'
  | 'restart-kafka'
  | 'restart-postgres'
  | 'flush-redis'
  | 'reorg'
  | 'pause-withdrawal-saga'
  | 'pause-order';

/** Every kind once per round, in an order that spreads the heavy ones (broker, database) apart. */
export const FAULT_ROUND: readonly FaultKind[] = [
  'kill-wallet',
  'reorg',
  'kill-order-replica',
  'restart-kafka',
  'kill-withdrawal-saga',
  'flush-redis',
  'kill-signer',
  'pause-order',
  'kill-deposit-watcher',
  'restart-postgres',
  'kill-order',
  'kill-wallet-replica',
  'pause-withdrawal-saga',
  'kill-reconciler',
];

export interface ScheduledFault {
  atMs: number;
  kind: FaultKind;
}

/** One fault every `durationMs / count` ms, the round repeated as often as the run is long. */
export function schedule(durationMs: number, everyMs: number): ScheduledFault[] {
  const faults: ScheduledFault[] = [];
  for (let at = everyMs / 2, index = 0; at < durationMs; at += everyMs, index++)
    faults.push({ atMs: Math.round(at), kind: FAULT_ROUND[index % FAULT_ROUND.length]! });
  return faults;
}

export interface FaultRecord {
  kind: FaultKind;
  at: string;
  tookMs: number;
  error?: string;
}

const DOWN_MS = 3_000;
const PAUSE_MS = 8_000;

export class Nemesis {
  readonly done: FaultRecord[] = [];
  /** Services that died without the nemesis killing them (a crash on a fault), restarted by `supervise`. */
  readonly unplannedExits: Array<{ service: ServiceName; at: string; exitCode: number | undefined }> = [];
  private readonly replicas = new Map<'order' | 'wallet', Replica>();
  private readonly heldDown = new Set<ServiceName>();

  constructor(
    private readonly chain: RegtestControl,
    private readonly log: (line: string) => void,
  ) {}

  /** The second replicas of the order and wallet services, as production runs them. */
  async startReplicas(): Promise<void> {
    for (const name of ['order', 'wallet'] as const) this.replicas.set(name, await startReplica(name));
  }

  async stopReplicas(): Promise<void> {
    for (const replica of this.replicas.values()) await replica.stop('SIGTERM').catch(() => undefined);
    this.replicas.clear();
  }

  async run(faults: readonly ScheduledFault[], startedAt: number, stopped: () => boolean): Promise<void> {
    for (const fault of faults) {
      const wait = startedAt + fault.atMs - Date.now();
      if (wait > 0) await sleep(wait);
      if (stopped()) return;
      const began = Date.now();
      this.log(`nemesis: ${fault.kind}`);
      try {
        await this.inflict(fault.kind);
        this.done.push({ kind: fault.kind, at: new Date(began).toISOString(), tookMs: Date.now() - began });
      } catch (error) {
        this.done.push({
          kind: fault.kind,
          at: new Date(began).toISOString(),
          tookMs: Date.now() - began,
          error: String(error),
        });
        this.log(`nemesis: ${fault.kind} failed: ${String(error)}`);
      }
    }
  }

  private async inflict(kind: FaultKind): Promise<void> {
    switch (kind) {
      case 'kill-wallet':
      case 'kill-order':
      case 'kill-deposit-watcher':
      case 'kill-withdrawal-saga':
      case 'kill-signer':
      case 'kill-reconciler':
        return this.killAndRestart(kind.slice('kill-'.length) as ServiceName);
      case 'kill-order-replica':
        return this.killReplica('order');
      case 'kill-wallet-replica':
        return this.killReplica('wallet');
      case 'pause-order':
        return this.pause('order');
      case 'pause-withdrawal-saga':
        return this.pause('withdrawal-saga');
      case 'restart-kafka':
        return this.restartKafka();
      case 'restart-postgres':
        return this.restartPostgres();
      case 'flush-redis':
        await run('redis-cli', ['-u', stackEndpoints().redisUrl, 'FLUSHALL']);
        return;
      case 'reorg':
        // Two blocks replaced; their transactions return to the mempool and are mined again.
        await this.chain.reorg({ depth: 2, blocks: 3 });
        return;
    }
  }

  private async killAndRestart(name: ServiceName): Promise<void> {
    this.heldDown.add(name);
    try {
      if (servicePid(name) !== undefined) await killService(name, 'SIGKILL');
      await sleep(DOWN_MS);
      await startService(name);
    } finally {
      this.heldDown.delete(name);
    }
  }

  /**
   * Kubernetes' part: every few seconds, a stack service that is not running and not held down by the
   * nemesis is started again, and its exit recorded (a service may exit on purpose when a dependency
   * fails: crash-only, as long as nothing is lost).
   */
  async supervise(stopped: () => boolean): Promise<void> {
    while (!stopped()) {
      await sleep(2_000);
      for (const name of SERVICE_NAMES) {
        if (stopped() || this.heldDown.has(name) || servicePid(name) !== undefined) continue;
        this.unplannedExits.push({
          service: name,
          at: new Date().toISOString(),
          exitCode: lastExitCode(name),
        });
        this.log(`supervisor: ${name} was down (exit ${String(lastExitCode(name))}); starting it`);
        await startService(name).catch((error: unknown) => this.log(`supervisor: ${name}: ${String(error)}`));
      }
    }
  }

  private async killReplica(name: 'order' | 'wallet'): Promise<void> {
    const replica = this.replicas.get(name);
    if (replica) await replica.stop('SIGKILL');
    await sleep(DOWN_MS);
    this.replicas.set(name, await startReplica(name));
  }

  private async pause(name: ServiceName): Promise<void> {
    const pid = servicePid(name);
    if (pid === undefined) return;
    process.kill(pid, 'SIGSTOP');
    try {
      await sleep(PAUSE_MS);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
  }

  private async restartKafka(): Promise<void> {
    const pidFile = path.join(stackEndpoints().pidDir, 'kafka.pid');
    const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
    process.kill(pid, 'SIGTERM');
    for (let waited = 0; waited < 60_000 && alive(pid); waited += 250) await sleep(250);
    if (alive(pid)) process.kill(pid, 'SIGKILL');
    await stackUp();
  }

  private async restartPostgres(): Promise<void> {
    const version = readdirSync('/etc/postgresql').sort().at(-1);
    if (!version) throw new Error('no PostgreSQL cluster under /etc/postgresql');
    await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart', '-m', 'fast']);
  }

  /** Everything back: any service that died of a fault (not only those killed on purpose) restarted. */
  async heal(): Promise<void> {
    await stackUp();
    for (const [name, replica] of this.replicas) {
      if (!alive(replica.pid)) this.replicas.set(name, await startReplica(name));
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function stackUp(): Promise<void> {
  await run('bash', [path.join(REPO_ROOT, 'scripts', 'stack.sh'), 'up'], {
    cwd: REPO_ROOT,
    timeout: 300_000,
    maxBuffer: 16 * 1024 * 1024,
  });
}
