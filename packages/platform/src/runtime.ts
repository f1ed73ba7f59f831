// The composition helper every main.ts uses. It owns the process lifecycle so services do not each
// reinvent it: build the logger and metrics, call the service's start(), then on SIGTERM/SIGINT drain
// in a fixed order and exit 0; on an uncaught error, log it and exit 1 so the orchestrator restarts us.
//
// Drain order, and why: readiness goes 503 first (no new traffic is routed here); consumers and the
// HTTP server stop next, finishing what they hold, because both write outbox rows; only then is the
// relay flushed, so it publishes those last rows; then the pools the above were using are closed.
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { ConfigError, configPieces } from './config.js';
import type { HttpServerHandle, Readiness } from './http.js';
import { createLogger } from './logger.js';
import { createMetrics, type PlatformMetrics } from './metrics.js';

/** Kubernetes waits 30 s by default before SIGKILL; finish (or give up loudly) before that. */
export const SHUTDOWN_TIMEOUT_MS = 25_000;

export interface Stoppable {
  stop(): Promise<void>;
}

export interface ServiceContext {
  name: string;
  logger: Logger;
  metrics: PlatformMetrics;
  /** Logs the error and exits 1; for failures a background component cannot recover from. */
  crash(error: unknown): void;
}

/** What start() built; runService stops each of them, in the drain order, on shutdown. */
export interface ServiceResources {
  readiness?: Readiness;
  consumers?: Stoppable[];
  http?: HttpServerHandle;
  relays?: Stoppable[];
  /** Anything else to stop after the relays and before the pools (timers, RPC clients). */
  others?: Array<{ name: string; stop(): Promise<void> }>;
  knex?: Knex;
  redis?: { quit(): Promise<unknown> };
}

export interface RunServiceOptions {
  name: string;
  start: (context: ServiceContext) => Promise<ServiceResources>;
  env?: Readonly<Record<string, string | undefined>>;
  /** Injected by tests; process.exit otherwise. */
  exit?: (code: number) => void;
}

export async function runService({
  name,
  start,
  env = process.env,
  exit = (code) => process.exit(code),
}: RunServiceOptions): Promise<void> {
  const level = configPieces.logLevel.safeParse(env.LOG_LEVEL || undefined);
  const logger = createLogger({ service: name, level: level.success ? level.data : 'info' });
  if (!level.success) {
    logger.fatal(
      new ConfigError([
        { variable: 'LOG_LEVEL', problem: 'expected fatal|error|warn|info|debug|trace|silent' },
      ]).message,
    );
    exit(1);
    return;
  }
  const metrics = createMetrics({ service: name });
  let resources: ServiceResources = {};
  let shuttingDown = false;

  const crash = (error: unknown): void => {
    logger.fatal({ err: error }, error instanceof ConfigError ? error.message : 'Fatal error; exiting');
    exit(1);
  };
  const shutdown = async (signal: string): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'Shutting down');
    const timer = setTimeout(
      () => crash(new Error(`Shutdown took longer than ${SHUTDOWN_TIMEOUT_MS} ms`)),
      SHUTDOWN_TIMEOUT_MS,
    );
    timer.unref();
    try {
      await drain(resources, logger);
      clearTimeout(timer);
      logger.info('Stopped cleanly');
      exit(0);
    } catch (error) {
      clearTimeout(timer);
      crash(error);
    }
  };

  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  try {
    resources = await start({ name, logger, metrics, crash });
    logger.info('Service started');
  } catch (error) {
    // A half-built service (bad config, unreachable database) must not linger: exit loudly.
    crash(error);
  }
}

async function drain(resources: ServiceResources, logger: Logger): Promise<void> {
  resources.readiness?.markShuttingDown();
  await Promise.all([
    ...(resources.consumers ?? []).map((consumer) => consumer.stop()),
    resources.http?.close(),
  ]);
  for (const relay of resources.relays ?? []) await relay.stop();
  for (const other of resources.others ?? []) {
    logger.debug({ component: other.name }, 'Stopping');
    await other.stop();
  }
  await resources.knex?.destroy();
  await resources.redis?.quit();
}
