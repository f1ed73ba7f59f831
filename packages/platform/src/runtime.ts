// The service skeleton. Every service's main.ts is one `runService` call: a name, its configuration
// schema, where its migrations live, and a compose function that says what the service has (a pool,
// an outbox relay, consumers, loops, an HTTP API) through the kit. The kit builds each piece the one
// way the platform builds it, registers its readiness check under the platform's name for it, and
// remembers it, so that starting and draining are done here, in one order, for every service:
//
//   boot:    logger -> configuration (zod; a bad value exits 1 naming the variable) -> metrics ->
//            migrations applied? (they are run by scripts/migrate.ts or the k8s migrate Job, never by
//            a service at boot; a pending one stops the service) -> compose -> relays start -> loops
//            start -> HTTP (the API port and the metrics port) listens -> consumers join their groups.
//   SIGTERM: readiness goes 503 -> consumers, loops and HTTP stop, finishing what they hold (all three
//            write outbox rows) -> relays flush the last rows -> other resources -> Redis, Postgres.
//   crash:   an uncaught error, a failed start or a consumer that kafkajs gave up on logs and exits 1,
//            so the orchestrator restarts the process. A consumer cannot be built without that hook.
import type { Kafka } from 'kafkajs';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Express } from 'express';
import type { z } from 'zod';
import { EventCodec, createSchemaRegistry } from './codec.js';
import {
  ConfigError,
  configPieces,
  loadConfig,
  serviceConfigShape,
  type PlatformConfig,
  type PlatformConfigShape,
  type ServiceName,
} from './config.js';
import { IdempotentConsumer, type IdempotentConsumerOptions } from './consumer.js';
import { createKnex, pingDatabase } from './db.js';
import { createServiceApp, type HttpServerHandle, type ServiceApp } from './http.js';
import { httpSettingsOf } from './http-settings.js';
import { serveMetrics } from './metrics-http.js';
import { RateLimits, rateLimitSettingsOf } from './rate-limits.js';
import { createKafka, kafkaSecurityOf } from './kafka.js';
import { createLogger } from './logger.js';
import { LoopRunner, type Loop } from './loops.js';
import { createMetrics, type PlatformMetrics } from './metrics.js';
import { pendingMigrations } from './migrations.js';
import { serveOpenApi, type ApiDoc } from './openapi.js';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay.js';

/** Kubernetes waits 30 s by default before SIGKILL; finish (or give up loudly) before that. */
export const SHUTDOWN_TIMEOUT_MS = 25_000;

/** The one set of readiness names: a check means the same thing on every service's /readyz. */
export const READINESS = {
  database: 'database',
  consumer: 'kafka-consumer',
  relay: 'outbox-relay',
  redis: 'redis',
  chain: 'dogecoin-rpc',
} as const;

export interface Stoppable {
  stop(): Promise<void>;
}

interface NamedStop {
  name: string;
  stop(): Promise<void>;
}

/** What compose() may build beyond the standard pieces: its own readiness checks and resources to stop. */
export interface ServiceKit<Config extends PlatformConfig = PlatformConfig> {
  readonly name: string;
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  /** The service's pool on DATABASE_URL, bound to DB_SCHEMA; `database` readiness; closed last. */
  readonly db: Knex;
  readonly kafka: Kafka;
  readonly codec: EventCodec;
  /** The transactional outbox's relay for the service's schema; `outbox-relay` readiness. */
  outboxRelay(options?: RelaySpec): OutboxRelay;
  /**
   * The idempotent consumer (group = the service name unless given). Its fatal error exits the
   * process: the hook is set here and cannot be left out. `kafka-consumer` readiness: joined.
   */
  consumer(options: ConsumerSpec): IdempotentConsumer;
  /** Timed steps that never overlap themselves; stopped with the consumers. */
  loops(loops: readonly Loop[]): LoopRunner;
  /**
   * The HTTP app (health, readiness, errors, rate limits) with the service's routers; listens after
   * compose. /metrics is served on METRICS_PORT by every service, whether or not it mounts routers.
   */
  http(mount: (app: Express) => void): ServiceApp;
  /** Serves the API's OpenAPI document at GET /openapi.json (no token); call it before http(). */
  openapi(doc: Pick<ApiDoc, 'document'>): void;
  /** A readiness check of the service's own (use READINESS names where one fits). */
  readiness(name: string, check: () => Promise<void>): void;
  /** Something to stop after the relays and before the pools (RPC clients, timers, executors). */
  onStop(name: string, stop: () => Promise<void> | void): void;
  /**
   * Runs first on SIGTERM, as readiness goes 503: ends long-lived answers (event streams) so that the
   * HTTP server's close does not wait them out for its whole grace.
   */
  onDrainStart(name: string, start: () => void): void;
  /** Logs the error and exits 1; for failures a background component cannot recover from. */
  crash(error: unknown): void;
}

/** What a service may choose of its relay: limits, ordering, and the test seam after a publish. */
export type RelaySpec = Partial<
  Pick<OutboxRelayOptions, 'batchSize' | 'pollIntervalMs' | 'ordered' | 'afterPublish'>
>;

export type ConsumerSpec = Pick<
  IdempotentConsumerOptions,
  | 'handlers'
  | 'batchHandlers'
  | 'maxBatchSize'
  | 'maxAttempts'
  | 'retryInitialBackoffMs'
  | 'partitionsConsumedConcurrently'
  | 'fromBeginning'
  | 'beforeOffsetCommit'
> & { groupId?: string; consumerConfig?: IdempotentConsumerOptions['consumerConfig'] };

/** Platform metrics plus factories for the service's own, named by the one rule: dbay_<service>_<what>. */
export interface ServiceMetrics extends PlatformMetrics {
  /** The prefix of this service's own metrics, e.g. `dbay_withdrawal_saga_`. */
  readonly prefix: string;
}

export function serviceMetricPrefix(service: string): string {
  return `dbay_${service.replaceAll('-', '_')}_`;
}

export interface ServiceDefinition<Config extends PlatformConfig> {
  /** One of the platform's services (CONVENTIONS.md), or a test's own name. */
  name: ServiceName | (string & {});
  /** The whole environment's schema, built on the platform's shape (which names its defaults). */
  config: (platform: PlatformConfigShape) => z.ZodType<Config>;
  /** The service's migrations folder: boot stops while any of them is not applied. */
  migrations?: string;
  /**
   * Whether the HTTP app parses JSON bodies before every router (default true). A service that
   * forwards request bodies untouched (services/web's reverse proxy) says false and mounts
   * `jsonBodies()` on its own JSON routes. A service that never touches `kit.db` opens no pool.
   */
  parseJsonBodies?: boolean;
  compose: (kit: ServiceKit<Config>) => Promise<void> | void;
  /** Injected by tests; process.env otherwise. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Injected by tests; process.exit otherwise. */
  exit?: (code: number) => void;
}

/** Runs a service: builds it through the kit, starts it, and drains it on SIGTERM/SIGINT. */
export async function runService<Config extends PlatformConfig>(
  definition: ServiceDefinition<Config>,
): Promise<void> {
  const { name, env = process.env, exit = (code: number) => process.exit(code) } = definition;
  const logger = bootLogger(name, env, exit);
  if (!logger) return;
  const parts = new Parts();
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
      await parts.drain(logger);
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
    const config = loadConfig(definition.config(serviceConfigShape(name, env)), env);
    const metrics = createMetrics({ service: name });
    const kit = new Kit(
      name,
      config,
      logger,
      { ...metrics, prefix: serviceMetricPrefix(name) },
      parts,
      crash,
      definition.parseJsonBodies ?? true,
    );
    if (definition.migrations) await requireMigrationsApplied(kit, definition.migrations);
    await definition.compose(kit);
    await parts.start(config, logger, kit.metrics);
    logger.info('Service started');
  } catch (error) {
    // A half-built service (bad config, unreachable database, pending migrations) must not linger.
    crash(error);
  }
}

export interface JobDefinition<Config extends PlatformConfig> {
  name: ServiceName | (string & {});
  config: (platform: PlatformConfigShape) => z.ZodType<Config>;
  migrations?: string;
  /** What the job has (typically an outbox relay), built before run and drained after it. */
  compose?: (kit: ServiceKit<Config>) => Promise<void> | void;
  /** The job's work; resolves with the process's exit code. */
  run: (kit: ServiceKit<Config>) => Promise<number>;
  env?: Readonly<Record<string, string | undefined>>;
}

/** Exit code of a job whose run itself failed (a job's own codes are 0 and above 1). */
export const JOB_FAILED_EXIT_CODE = 1;

/**
 * Runs a one-shot job (a CronJob, a command) on the same kit: logs go to stderr so stdout stays the
 * job's report; its relays publish what it wrote before it returns. Resolves with the exit code.
 */
export async function runJob<Config extends PlatformConfig>(
  definition: JobDefinition<Config>,
): Promise<number> {
  const { name, env = process.env } = definition;
  const logger = bootLogger(name, env, () => undefined, process.stderr);
  if (!logger) return JOB_FAILED_EXIT_CODE;
  const parts = new Parts();
  try {
    const config = loadConfig(definition.config(serviceConfigShape(name, env)), env);
    const metrics = createMetrics({ service: name });
    const kit = new Kit(
      name,
      config,
      logger,
      { ...metrics, prefix: serviceMetricPrefix(name) },
      parts,
      (error) => {
        throw error;
      },
    );
    if (definition.migrations) await requireMigrationsApplied(kit, definition.migrations);
    await definition.compose?.(kit);
    for (const relay of parts.relays) await relay.start();
    return await definition.run(kit);
  } catch (error) {
    logger.fatal({ err: error }, error instanceof ConfigError ? error.message : 'Job failed');
    return JOB_FAILED_EXIT_CODE;
  } finally {
    await parts.drain(logger).catch((error: unknown) => logger.error({ err: error }, 'Job drain failed'));
  }
}

function bootLogger(
  name: string,
  env: Readonly<Record<string, string | undefined>>,
  exit: (code: number) => void,
  destination?: NodeJS.WritableStream,
): Logger | undefined {
  const level = configPieces.logLevel.safeParse(env.LOG_LEVEL || undefined);
  const logger = createLogger({
    service: name,
    level: level.success ? level.data : 'info',
    ...(destination ? { destination: destination } : {}),
  });
  if (level.success) return logger;
  logger.fatal(
    new ConfigError([{ variable: 'LOG_LEVEL', problem: 'expected fatal|error|warn|info|debug|trace|silent' }])
      .message,
  );
  exit(1);
  return undefined;
}

async function requireMigrationsApplied(kit: Kit<PlatformConfig>, directory: string): Promise<void> {
  const pending = await pendingMigrations(kit.db, { directory, schema: kit.config.DB_SCHEMA });
  if (pending.length > 0) {
    throw new Error(
      `the ${kit.config.DB_SCHEMA} schema is behind: migrations ${pending.join(', ')} are not applied ` +
        '(run them with scripts/migrate.ts, as the stack and the k8s migrate Job do)',
    );
  }
}

/** Everything compose() built, in the order it starts and drains. */
class Parts {
  readonly relays: OutboxRelay[] = [];
  readonly consumers: IdempotentConsumer[] = [];
  readonly loops: LoopRunner[] = [];
  readonly others: NamedStop[] = [];
  readonly drainStarts: Array<{ name: string; start: () => void }> = [];
  app: ServiceApp | undefined;
  http: HttpServerHandle | undefined;
  metricsHttp: HttpServerHandle | undefined;
  knex: Knex | undefined;

  async start(config: PlatformConfig, logger: Logger, metrics?: PlatformMetrics): Promise<void> {
    for (const relay of this.relays) await relay.start();
    for (const runner of this.loops) runner.start();
    if (this.app) this.http = await this.app.listen(config.HTTP_PORT, config.HTTP_HOST);
    if (metrics) {
      this.metricsHttp = await serveMetrics({
        registry: metrics.registry,
        port: config.METRICS_PORT,
        host: config.METRICS_HOST,
        logger,
        settings: httpSettingsOf(config),
      });
    }
    // Last: joining a group waits out a dead predecessor's session, and nothing above needs Kafka's
    // consumer side. /readyz says not-ready until every consumer is in its group.
    for (const consumer of this.consumers) await consumer.start();
    logger.debug({ consumers: this.consumers.length, relays: this.relays.length }, 'Parts started');
  }

  async drain(logger: Logger): Promise<void> {
    this.app?.readiness.markShuttingDown();
    for (const { name, start } of this.drainStarts) {
      logger.debug({ component: name }, 'Draining');
      start();
    }
    await Promise.all<unknown>([
      ...this.consumers.map((consumer) => consumer.stop()),
      ...this.loops.map((runner) => runner.stop()),
      this.http?.close(),
    ]);
    // Scraped until the work above is done, so the last counts of a draining process are not lost.
    await this.metricsHttp?.close();
    for (const relay of this.relays) await relay.stop();
    for (const other of this.others) {
      logger.debug({ component: other.name }, 'Stopping');
      await other.stop();
    }
    await this.knex?.destroy();
  }
}

class Kit<Config extends PlatformConfig> implements ServiceKit<Config> {
  private knex: Knex | undefined;
  private kafkaClient: Kafka | undefined;
  private eventCodec: EventCodec | undefined;
  private readonly app: ServiceApp;

  constructor(
    readonly name: string,
    readonly config: Config,
    readonly logger: Logger,
    readonly metrics: ServiceMetrics,
    private readonly parts: Parts,
    readonly crash: (error: unknown) => void,
    parseJsonBodies = true,
  ) {
    // Every service answers /healthz and /readyz, whether or not it mounts routers.
    const rateLimits = new RateLimits(rateLimitSettingsOf(config));
    this.app = createServiceApp({
      logger,
      metrics,
      settings: httpSettingsOf(config),
      rateLimits,
      parseJsonBodies,
    });
    parts.app = this.app;
    parts.others.push({ name: 'rate-limits', stop: () => rateLimits.close() });
  }

  get db(): Knex {
    if (!this.knex) {
      const knex = createKnex({
        connectionString: this.config.DATABASE_URL,
        schema: this.config.DB_SCHEMA,
        applicationName: this.name,
        poolMax: this.config.DB_POOL_MAX,
      });
      this.knex = knex;
      this.parts.knex = knex;
      this.readiness(READINESS.database, () => pingDatabase(knex));
    }
    return this.knex;
  }

  get kafka(): Kafka {
    this.kafkaClient ??= createKafka({
      clientId: this.name,
      brokers: this.config.KAFKA_BROKERS,
      logger: this.logger,
      security: kafkaSecurityOf(this.config),
    });
    return this.kafkaClient;
  }

  get codec(): EventCodec {
    this.eventCodec ??= new EventCodec(createSchemaRegistry(this.config.SCHEMA_REGISTRY_URL));
    return this.eventCodec;
  }

  outboxRelay(options: RelaySpec = {}): OutboxRelay {
    const relay = new OutboxRelay({
      ...options,
      knex: this.db,
      schema: this.config.DB_SCHEMA,
      kafka: this.kafka,
      codec: this.codec,
      logger: this.logger,
      metrics: this.metrics,
      producerName: this.name,
    });
    this.parts.relays.push(relay);
    this.readiness(this.numbered(READINESS.relay, this.parts.relays.length), () =>
      relay.isRunning() ? Promise.resolve() : Promise.reject(new Error('relay not running')),
    );
    return relay;
  }

  consumer({ groupId = this.name, consumerConfig, ...spec }: ConsumerSpec): IdempotentConsumer {
    if (this.config.KAFKA_HEARTBEAT_INTERVAL_MS * 3 > this.config.KAFKA_SESSION_TIMEOUT_MS) {
      throw new ConfigError([
        {
          variable: 'KAFKA_HEARTBEAT_INTERVAL_MS',
          problem: 'must be at most a third of KAFKA_SESSION_TIMEOUT_MS',
        },
      ]);
    }
    const consumer = new IdempotentConsumer({
      ...spec,
      kafka: this.kafka,
      knex: this.db,
      codec: this.codec,
      logger: this.logger,
      metrics: this.metrics,
      groupId,
      consumerConfig: {
        sessionTimeout: this.config.KAFKA_SESSION_TIMEOUT_MS,
        heartbeatInterval: this.config.KAFKA_HEARTBEAT_INTERVAL_MS,
        ...consumerConfig,
      },
      onFatalError: (error) => this.crash(error),
    });
    this.parts.consumers.push(consumer);
    this.readiness(this.numbered(READINESS.consumer, this.parts.consumers.length), () =>
      consumer.readinessCheck(),
    );
    return consumer;
  }

  loops(loops: readonly Loop[]): LoopRunner {
    const runner = new LoopRunner(loops, this.logger.child({ component: 'loops' }));
    this.parts.loops.push(runner);
    return runner;
  }

  http(mount: (app: Express) => void): ServiceApp {
    mount(this.app.app);
    return this.app;
  }

  openapi(doc: Pick<ApiDoc, 'document'>): void {
    serveOpenApi(this.app.app, doc);
  }

  readiness(name: string, check: () => Promise<void>): void {
    this.app.readiness.register(name, check);
  }

  onStop(name: string, stop: () => Promise<void> | void): void {
    this.parts.others.push({ name, stop: async () => stop() });
  }

  onDrainStart(name: string, start: () => void): void {
    this.parts.drainStarts.push({ name, start });
  }

  private numbered(base: string, count: number): string {
    return count === 1 ? base : `${base}-${count}`;
  }
}
