/**
 * Real service processes (services/<name>/src/main.ts, each its own process) on a throwaway database and
 * broker, for a benchmark to measure or a test to stand other services in front of without writing into
 * the stack's books. Key pairs are generated for the run (the caller signs the user, service and operator
 * tokens the services then verify), or the caller passes the key files it wants trusted in `env`. A process is ready when its /readyz answers
 * 200 (database, relay and consumer all up); its JSON log goes to a file whose last lines are printed
 * when it fails to start or dies on its own.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { exportPKCS8, exportSPKI, generateKeyPair, type CryptoKey } from 'jose';
import type { TokenKind } from '@dbay/platform';
import { freePort, hasExited, stopChild } from './processes.js';
import { REPO_ROOT, stackEndpoints, type ServiceName } from './stack-env.js';
import { signToken } from './tokens.js';

const run = promisify(execFile);
const READY_TIMEOUT_MS = 60_000;
const READY_POLL_MS = 200;
const LOG_TAIL_LINES = 20;
/** Within the verifiers' maximum lifetimes (24 h for users, 1 h for services) with a margin. */
const USER_TOKEN_LIFETIME = '12h';
const SERVICE_TOKEN_LIFETIME = '50m';

interface KeyPair {
  privateKey: CryptoKey;
  privateKeyPem: string;
  publicKeyPem: string;
}

/** One ES256 key pair per token kind, made for one run. */
export class ProcessKeys {
  private constructor(private readonly pairs: Record<TokenKind, KeyPair>) {}

  static async generate(): Promise<ProcessKeys> {
    const pair = async (): Promise<KeyPair> => {
      const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
      return {
        privateKey,
        privateKeyPem: await exportPKCS8(privateKey),
        publicKeyPem: await exportSPKI(publicKey),
      };
    };
    return new ProcessKeys({ user: await pair(), service: await pair(), operator: await pair() });
  }

  /**
   * Every public key, and the service key a calling service signs with (the order service asks the
   * wallet for bid locks): each service reads the ones its configuration declares and ignores the rest.
   */
  publicKeyEnv(): Record<string, string> {
    return {
      SERVICE_JWT_PRIVATE_KEY: this.pairs.service.privateKeyPem,
      USER_JWT_PUBLIC_KEY: this.pairs.user.publicKeyPem,
      SERVICE_JWT_PUBLIC_KEY: this.pairs.service.publicKeyPem,
      OPERATOR_JWT_PUBLIC_KEY: this.pairs.operator.publicKeyPem,
    };
  }

  userToken(userId: string): Promise<string> {
    return signToken(this.pairs.user.privateKey, 'user', userId, { expiresIn: USER_TOKEN_LIFETIME });
  }

  serviceToken(service: string): Promise<string> {
    return signToken(this.pairs.service.privateKey, 'service', service, {
      expiresIn: SERVICE_TOKEN_LIFETIME,
    });
  }
}

export interface ServiceProcess {
  service: ServiceName;
  port: number;
  /** Where it serves /metrics (never on `port`). */
  metricsPort: number;
  /** The process id (a benchmark reads its CPU time from /proc). */
  pid: number | undefined;
  /** SIGTERM (SIGKILL if it does not drain in time); says so when the process had already died. */
  stop(): Promise<void>;
}

export interface ServiceStart {
  service: ServiceName;
  /** The service's own role on the throwaway database (ThrowawayDatabase.urlOf). */
  databaseUrl: string;
  kafkaBrokers: string;
  /** Keys made for the run, whose public halves the service trusts; without, `env` names what it trusts. */
  keys?: ProcessKeys;
  /** The service's own variables (KAFKA_ENABLED, INTERNAL_CALLERS, ORDER_PAYMENT_WAIT_MS, ...). */
  env?: Record<string, string>;
  /** For profiling, e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof']. */
  nodeArgs?: readonly string[];
  /** Serve on these ports (a restarted sandbox service keeps its address); free ones otherwise. */
  port?: number;
  metricsPort?: number;
  /** Its death is what the caller waits for (a crash point): stop() does not report it. */
  mayDie?: boolean;
}

async function logTail(file: string): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-LOG_TAIL_LINES).join('\n');
}

/** Polls /readyz until it answers 200; throws when the process exits first or time runs out. */
async function waitUntilReady(child: ChildProcess, port: number, service: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (hasExited(child)) throw new Error(`${service} exited with ${child.exitCode ?? child.signalCode}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${service} did not become ready in ${READY_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
  }
}

/**
 * What services/<service>/stack.env.sh exports for the stack's copy of the service (its key files, its
 * local policy), read by running the hook as scripts/stack.sh does, with `overrides` in its environment
 * (the hooks take `${VAR:-default}`, e.g. the saga's SAGA_CRASH_AT). A sandboxed service started with
 * it is configured as the stack's is, and trusts the stack's keys.
 */
export async function stackServiceEnv(
  service: ServiceName,
  overrides: Record<string, string> = {},
): Promise<Record<string, string>> {
  const hook = path.join(REPO_ROOT, 'services', service, 'stack.env.sh');
  const { stdout } = await run('bash', ['-c', 'source "$1" >/dev/null && env -0', 'stack-env', hook], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      REPO_ROOT,
      STACK_SECRETS_DIR: stackEndpoints().secretsDir,
      ...overrides,
    },
  });
  const env: Record<string, string> = {};
  for (const entry of stdout.split('\0')) {
    const at = entry.indexOf('=');
    const name = entry.slice(0, at);
    if (at <= 0 || ['PATH', 'HOME', 'PWD', 'OLDPWD', 'SHLVL', '_'].includes(name)) continue;
    env[name] = entry.slice(at + 1);
  }
  return env;
}

/** Spawns the service on the given database and broker and resolves once it is ready. */
export async function spawnService(start: ServiceStart): Promise<ServiceProcess> {
  const stack = stackEndpoints();
  const { service } = start;
  const port = start.port ?? (await freePort());
  const metricsPort = start.metricsPort ?? (await freePort());
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HTTP_PORT: String(port),
    METRICS_PORT: String(metricsPort),
    DATABASE_URL: start.databaseUrl,
    DB_SCHEMA: stack.services[service].schema,
    REDIS_URL: stack.redisUrl,
    KAFKA_BROKERS: start.kafkaBrokers,
    SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
    DOGECOIN_NETWORK: 'regtest',
    DOGECOIN_RPC_URL: stack.dogecoinRpc.url,
    DOGECOIN_RPC_USER: stack.dogecoinRpc.user,
    DOGECOIN_RPC_PASSWORD_FILE: stack.dogecoinRpc.passwordFile,
    ...start.keys?.publicKeyEnv(),
    ...start.env,
  };
  const log = path.join(os.tmpdir(), `dbay-${service}-${port}.log`);
  const logFd = openSync(log, 'w');
  const main = path.join(REPO_ROOT, 'services', service, 'src', 'main.ts');
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [...(start.nodeArgs ?? []), '--import', 'tsx', main], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', logFd, 'inherit'],
    });
  } finally {
    // The child holds its own copy of the descriptor.
    closeSync(logFd);
  }
  try {
    await waitUntilReady(child, port, service);
  } catch (error) {
    await stopChild(child);
    const tail = await logTail(log);
    await rm(log, { force: true });
    throw new Error(`${(error as Error).message}; its last log lines:\n${tail}`, { cause: error });
  }
  let stopped = false;
  return {
    service,
    port,
    metricsPort,
    pid: child.pid,
    async stop() {
      if (stopped) return;
      stopped = true;
      // Exit code 0 is a clean drain (Ctrl-C reaches the whole process group); anything else is a death.
      if (hasExited(child) && child.exitCode !== 0 && !start.mayDie) {
        console.error(
          `  ${service} had died during the run (${child.exitCode ?? child.signalCode}); its last log lines:\n${await logTail(log)}`,
        );
      }
      await stopChild(child);
      await rm(log, { force: true });
    },
  };
}
