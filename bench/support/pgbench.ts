/**
 * The raw baseline of a benchmark: pgbench running a script of the same transaction shape as the path
 * measured, on the same throwaway database, as the owning service's role, with prepared statements. A
 * warm-up of `warmupSeconds`, then `seconds` measured with pgbench's per-transaction log, read back into
 * the same Measured as every other path (latencies in ms, time from the first transaction's start to the
 * last one's end). A script that applies several operations per transaction says how many
 * (`opsPerTransaction`): ops count them, latencies stay those of the whole transaction. The script file
 * and the logs live in a temporary directory removed afterwards.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Measured } from './stats.js';

const run = promisify(execFile);
/** pgbench's summary and logs are short, but a long run's stdout must not overflow the default. */
const MAX_OUTPUT_BYTES = 1 << 24;

export interface PgbenchRun {
  /** The row's name in the results table. */
  name: string;
  /** The role's URL on the throwaway database (ThrowawayDatabase.urlOf): host, port, user and database. */
  databaseUrl: string;
  /** The pgbench script: one transaction, with \set and \gset as pgbench reads them. */
  script: string;
  clients: number;
  seconds: number;
  warmupSeconds: number;
  /**
   * Operations one transaction of the script performs (default 1): a batched script that applies 200
   * pay-orders per transaction counts 200 ops per transaction, and its latencies are the batch's.
   */
  opsPerTransaction?: number;
  /** Called just before and just after the measured run (not the warm-up), e.g. to meter CPU. */
  measuring?: { started(): void; ended(): void };
}

export async function drivePgbench(spec: PgbenchRun): Promise<Measured> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-pgbench-'));
  try {
    const script = path.join(dir, 'transaction.sql');
    await writeFile(script, spec.script);
    const url = new URL(spec.databaseUrl);
    const database = decodeURIComponent(url.pathname.slice(1));
    const args = [
      '-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username),
      '-n', '-M', 'prepared', '-c', String(spec.clients), '-j', String(Math.min(spec.clients, os.cpus().length)),
      '-f', script,
    ]; // prettier-ignore
    await run('pgbench', [...args, '-T', String(spec.warmupSeconds), database], {
      maxBuffer: MAX_OUTPUT_BYTES,
    });
    spec.measuring?.started();
    const { stdout } = await run(
      'pgbench',
      [...args, '-l', '--log-prefix', path.join(dir, 'tx'), '-T', String(spec.seconds), database],
      { maxBuffer: MAX_OUTPUT_BYTES },
    );
    spec.measuring?.ended();
    const processed = Number(/number of transactions actually processed: (\d+)/.exec(stdout)?.[1] ?? NaN);
    const failed = Number(/number of failed transactions: (\d+)/.exec(stdout)?.[1] ?? 0);
    const latenciesMs: number[] = [];
    let first = Infinity;
    let last = 0;
    for (const file of (await readdir(dir)).filter((f) => f.startsWith('tx'))) {
      for (const line of (await readFile(path.join(dir, file), 'utf8')).split('\n')) {
        // client_id transaction_no time script_no time_epoch time_us: time is the latency in µs.
        const fields = line.split(' ');
        if (fields.length < 6) continue;
        latenciesMs.push(Number(fields[2]) / 1000);
        const at = Number(fields[4]) + Number(fields[5]) / 1e6;
        first = Math.min(first, at - Number(fields[2]) / 1e6);
        last = Math.max(last, at);
      }
    }
    const perTransaction = spec.opsPerTransaction ?? 1;
    return {
      name: spec.name,
      ops: processed * perTransaction,
      seconds: last - first,
      latenciesMs,
      errors: failed * perTransaction,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
