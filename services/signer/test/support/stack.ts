/**
 * The running local stack's settings, read from .stack/stack.env (written by `npm run stack:up`).
 * A stopgap until @dbay/testing exposes the same; STACK_ENV_FILE overrides the path.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DEFAULT_STACK_ENV = fileURLToPath(new URL('../../../../.stack/stack.env', import.meta.url));

export function stackEnv(): Record<string, string> {
  const path = process.env.STACK_ENV_FILE ?? DEFAULT_STACK_ENV;
  if (!existsSync(path)) throw new Error(`${path} not found: start the stack with npm run stack:up`);
  const entries = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => /^[A-Z0-9_]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const);
  return Object.fromEntries(entries);
}

export function required(env: Record<string, string>, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is missing from the stack settings`);
  return value;
}

/** Polls `probe` until it returns a value or `timeoutMs` passes. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
