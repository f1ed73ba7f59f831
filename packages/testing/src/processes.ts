/**
 * Child processes of a benchmark or a test sandbox: free ports for them, and stopping one for sure
 * (SIGTERM, then SIGKILL when it does not exit in time), whether it is running, already exiting or long gone.
 */
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Resolves once `child` has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Sends SIGTERM and waits up to `graceMs` (a service drains in at most 25 s, SHUTDOWN_TIMEOUT_MS),
 * then SIGKILL. Resolves once the process is gone.
 */
export async function stopChild(child: ChildProcess, graceMs = 30_000): Promise<void> {
  if (hasExited(child)) return;
  const gone = exited(child);
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const late = await Promise.race([
    gone.then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), graceMs);
    }),
  ]);
  clearTimeout(timer);
  if (late) {
    child.kill('SIGKILL');
    await gone;
  }
}

/**
 * Runs every teardown step in order, each even when an earlier one failed (a sandbox's service, its
 * broker, its database), then throws one error naming `what` if any failed.
 */
export async function stopEach(what: string, steps: readonly (() => unknown)[]): Promise<void> {
  const failures: unknown[] = [];
  for (const step of steps) await Promise.resolve(step()).catch((error: unknown) => failures.push(error));
  if (failures.length > 0) throw new AggregateError(failures, `${what} did not stop cleanly`);
}
