/**
 * Control of the stack's service processes for tests: stop, kill, start and restart one service through
 * scripts/stack.sh, which keeps the pid file and records each process's exit code in
 * .stack/pids/<name>.exit.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, stackEndpoints, stackKafkaClientEnv, type ServiceName } from './stack-env.js';
import { waitFor } from './wait-for.js';

const run = promisify(execFile);
const STACK_SCRIPT = path.join(REPO_ROOT, 'scripts', 'stack.sh');
/** Generous: a restart waits for the service's /healthz on a loaded two-core machine. */
const STACK_COMMAND_TIMEOUT_MS = 180_000;
const EXIT_TIMEOUT_MS = 60_000;

function readNumber(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const value = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
  return Number.isNaN(value) ? undefined : value;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid of the running service process, or undefined when it is not running. */
export function servicePid(name: ServiceName): number | undefined {
  const pid = readNumber(path.join(stackEndpoints().pidDir, `${name}.pid`));
  return pid !== undefined && isAlive(pid) ? pid : undefined;
}

/** The exit code of the service's last process (128 + signal number when a signal ended it). */
export function lastExitCode(name: ServiceName): number | undefined {
  return readNumber(path.join(stackEndpoints().pidDir, `${name}.exit`));
}

async function stackCommand(args: string[], env: NodeJS.ProcessEnv = {}): Promise<void> {
  await run('bash', [STACK_SCRIPT, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    timeout: STACK_COMMAND_TIMEOUT_MS,
  });
}

/**
 * Sends `signal` to the service process and waits until it has exited; resolves with its exit code.
 * SIGTERM is the graceful path; SIGKILL simulates a crash.
 */
export async function killService(name: ServiceName, signal: NodeJS.Signals = 'SIGKILL'): Promise<number> {
  const pid = servicePid(name);
  if (pid === undefined) throw new Error(`${name} is not running`);
  process.kill(pid, signal);
  await waitFor(() => !isAlive(pid), {
    timeoutMs: EXIT_TIMEOUT_MS,
    description: `${name} (pid ${pid}) to exit`,
  });
  // The launcher writes the exit code a moment after the process is gone.
  await waitFor(() => lastExitCode(name) !== undefined, {
    timeoutMs: 5_000,
    description: `the exit code of ${name}`,
  });
  return lastExitCode(name)!;
}

/** Stops the service with SIGTERM (SIGKILL only after the stack's stop timeout); resolves with its exit code. */
export async function stopService(name: ServiceName): Promise<number | undefined> {
  await stackCommand(['stop-service', name]);
  return lastExitCode(name);
}

/**
 * Starts the service if it is not running and waits for its /healthz. `env` adds or overrides variables
 * of the new process (the service's stack.env.sh hook still runs).
 */
export async function startService(name: ServiceName, env: NodeJS.ProcessEnv = {}): Promise<void> {
  await stackCommand(['start-service', name], env);
}

/** Stops (SIGTERM) and starts the service, waiting for its /healthz. */
export async function restartService(name: ServiceName, env: NodeJS.ProcessEnv = {}): Promise<void> {
  await stackCommand(['restart-service', name], env);
}

export interface Replica {
  name: ServiceName;
  pid: number;
  /** The port its HTTP server listens on (picked by the OS). */
  port: number;
  /** Every JSON log line it wrote so far. */
  lines: Array<Record<string, unknown>>;
  exited: Promise<number | null>;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts another process of a stack service, beside the stack's own, with the same environment the stack
 * gives it (the convention's variables plus its stack.env.sh hook) and a free HTTP port: a second replica,
 * for tests that prove something holds with two of them.
 */
export async function startReplica(name: ServiceName, env: NodeJS.ProcessEnv = {}): Promise<Replica> {
  const stack = stackEndpoints();
  const service = stack.services[name];
  const hook = path.join(REPO_ROOT, 'services', name, 'stack.env.sh');
  const main = path.join(REPO_ROOT, 'services', name, 'src', 'main.ts');
  const script = `${existsSync(hook) ? `source ${JSON.stringify(hook)}; ` : ''}exec node --import tsx ${JSON.stringify(main)}`;
  const child = spawn('bash', ['-c', script], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      SERVICE_NAME: name,
      HTTP_PORT: '0',
      // The stack's own process holds the service's metrics port; the replica takes any free one.
      METRICS_PORT: '0',
      DATABASE_URL: service.databaseUrl,
      DB_SCHEMA: service.schema,
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
      REDIS_URL: stack.redisUrl,
      DOGECOIN_RPC_URL: stack.dogecoinRpc.url,
      DOGECOIN_RPC_USER: stack.dogecoinRpc.user,
      DOGECOIN_RPC_PASSWORD_FILE: stack.dogecoinRpc.passwordFile,
      DOGECOIN_NETWORK: 'regtest',
      STACK_DIR: stack.stackDir,
      STACK_SECRETS_DIR: stack.secretsDir,
      LOG_LEVEL: 'info',
      ...stackKafkaClientEnv(name),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const part of parts) {
      try {
        lines.push(JSON.parse(part) as Record<string, unknown>);
      } catch {
        lines.push({ msg: part });
      }
    }
  });
  child.stderr.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const started = await waitFor(
    () => lines.find((line) => line.msg === 'Service started' || line.level === 'fatal'),
    { timeoutMs: 90_000, description: `a second ${name} to start` },
  );
  if (started.level === 'fatal')
    throw new Error(`the second ${name} did not start: ${JSON.stringify(started)}`);
  const port = lines.find((line) => line.msg === 'HTTP server listening')?.port;
  if (typeof port !== 'number' || child.pid === undefined) throw new Error(`the second ${name} has no port`);
  return {
    name,
    pid: child.pid,
    port,
    lines,
    exited,
    async stop(signal = 'SIGTERM') {
      child.kill(signal);
      return exited;
    },
  };
}
