// Typed configuration, validated once at boot. A service describes its variables as a zod object,
// `loadConfig` parses the environment against it, and a bad or missing value stops the service with a
// message that names every offending variable (never its value: DATABASE_URL may carry a password).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { MoneyError, parseKoinu } from '@dbay/money';

/** Thrown by `loadConfig`; `variables` lists every environment variable that failed validation. */
export class ConfigError extends Error {
  readonly variables: readonly string[];

  constructor(problems: ReadonlyArray<{ variable: string; problem: string }>) {
    const lines = problems.map(({ variable, problem }) => `${variable}: ${problem}`);
    super(`Invalid configuration: ${lines.join('; ')}`);
    this.name = 'ConfigError';
    this.variables = [...new Set(problems.map(({ variable }) => variable))];
  }
}

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Parses `env` with `schema` and returns the typed result. Empty strings count as unset, because
 * `FOO=` in a shell or a manifest almost always means "not configured" rather than "the empty value".
 */
export function loadConfig<Schema extends z.ZodType>(
  schema: Schema,
  env: Environment = process.env,
): z.output<Schema> {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => ({
      variable: issue.path.length > 0 ? issue.path.map(String).join('.') : '(environment)',
      problem: issue.message,
    })),
  );
}

/** The services of the platform, with the HTTP port CONVENTIONS.md gives each one. */
export const SERVICE_HTTP_PORTS = {
  wallet: 7101,
  order: 7102,
  'deposit-watcher': 7103,
  'withdrawal-saga': 7104,
  signer: 7105,
  reconciler: 7106,
  web: 7107,
} as const;

export type ServiceName = keyof typeof SERVICE_HTTP_PORTS;

/**
 * The port each service serves /metrics on, apart from its API port, so that only the monitoring network
 * reaches it (docs/CONVENTIONS.md, HTTP hygiene).
 */
export const SERVICE_METRICS_PORTS: Record<ServiceName, number> = {
  wallet: 9101,
  order: 9102,
  'deposit-watcher': 9103,
  'withdrawal-saga': 9104,
  signer: 9105,
  reconciler: 9106,
  web: 9107,
};

/**
 * Request budgets per window: high enough by default that no test, benchmark or soak is throttled;
 * production sets real ones (k8s/base/platform-config.yaml).
 */
export const DEFAULT_RATE_LIMIT_POINTS = 1_000_000;

export const DEFAULT_KAFKA_BROKERS = '127.0.0.1:9092';
export const DEFAULT_SCHEMA_REGISTRY_URL = 'http://127.0.0.1:8081/apis/ccompat/v7';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_DATABASE_NAME = 'dbay';

/** `deposit-watcher` -> `deposit_watcher`: the schema and role suffix of a service. */
export function schemaNameOf(service: string): string {
  return service.replaceAll('-', '_');
}

const hostAndPort = /^[A-Za-z0-9.-]+:\d{1,5}$/;

/** A koinu amount variable: integer koinu text, parsed by @dbay/money, within optional bounds. */
function koinuVariable({
  fallback,
  minKoinu = 0n,
  maxKoinu,
}: {
  fallback?: bigint;
  minKoinu?: bigint;
  maxKoinu?: bigint;
}) {
  const text = fallback === undefined ? z.string() : z.string().default(fallback.toString());
  return text.transform((value, context) => {
    try {
      const koinu = parseKoinu(value, { allowZero: minKoinu <= 0n });
      if (koinu < minKoinu) {
        context.addIssue({ code: 'custom', message: `expected at least ${minKoinu} koinu` });
        return z.NEVER;
      }
      if (maxKoinu !== undefined && koinu > maxKoinu) {
        context.addIssue({ code: 'custom', message: `expected at most ${maxKoinu} koinu` });
        return z.NEVER;
      }
      return koinu;
    } catch (error) {
      // MoneyError's message quotes the text, which is fine for an amount but not worth the risk here.
      const reason = error instanceof MoneyError ? error.code : 'not a koinu amount';
      context.addIssue({ code: 'custom', message: `expected integer koinu (${reason})` });
      return z.NEVER;
    }
  });
}

/** A boolean variable: true|false|1|0 (anything else is a configuration error, not false). */
function flagVariable(fallback: boolean) {
  return z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1');
}

/** A comma-separated list of names; empty entries are dropped. */
function listVariable(fallback: string) {
  return z
    .string()
    .default(fallback)
    .transform((list) =>
      list
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    );
}

/** Reusable zod pieces for the variables every service shares. */
/** Reusable zod pieces for the variables every service shares. */
export const configPieces = {
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  port: z.coerce.number().int().min(1).max(65_535),
  kafkaBrokers: z
    .string()
    .default(DEFAULT_KAFKA_BROKERS)
    .transform((list) => list.split(',').map((broker) => broker.trim()))
    .refine((brokers) => brokers.every((broker) => hostAndPort.test(broker)), {
      message: 'expected a comma-separated list of host:port',
    }),
  schemaRegistryUrl: z.url({ protocol: /^https?$/ }).default(DEFAULT_SCHEMA_REGISTRY_URL),
  redisUrl: z.url({ protocol: /^rediss?$/ }).default(DEFAULT_REDIS_URL),
  databaseUrl: z.url({ protocol: /^postgres(ql)?$/ }),
  schemaName: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'expected a lower-case Postgres identifier'),
  positiveInt: (fallback: number) => z.coerce.number().int().positive().default(fallback),
  /** Milliseconds, zero allowed. */
  durationMs: (fallback: number) => z.coerce.number().int().min(0).default(fallback),
  koinu: koinuVariable,
  flag: flagVariable,
  list: listVariable,
};

/** `NAME` and `NAME_FILE`: a secret given inline or (preferred) as the path of a file holding it. */
export function secretVariables<Name extends string>(
  name: Name,
): Record<Name | `${Name}_FILE`, z.ZodOptional<z.ZodString>> {
  return { [name]: z.string().optional(), [`${name}_FILE`]: z.string().optional() } as Record<
    Name | `${Name}_FILE`,
    z.ZodOptional<z.ZodString>
  >;
}

/**
 * The secret `name` from a config parsed with `secretVariables(name)`: the inline value, else the trimmed
 * contents of the file. Throws a ConfigError naming the variables (never a value) when neither is set or
 * the file cannot be read. Read on use, so a file written after boot (the signer's xpub) is picked up.
 */
export function readSecret(config: Readonly<Record<string, unknown>>, name: string): string {
  const inline = config[name];
  if (typeof inline === 'string' && inline !== '') return inline;
  const file = config[`${name}_FILE`];
  if (typeof file === 'string' && file !== '') {
    try {
      const text = readFileSync(file, 'utf8').trim();
      if (text !== '') return text;
    } catch {
      // Reported below without the path's contents; the path itself is not secret.
    }
    throw new ConfigError([{ variable: `${name}_FILE`, problem: `cannot read a value from ${file}` }]);
  }
  throw new ConfigError([{ variable: name, problem: `${name} or ${name}_FILE must be set` }]);
}

/**
 * The shared variables of one service with the defaults of CONVENTIONS.md: its own port, role and
 * schema. The DATABASE_URL default is built from PGHOST, PGPORT and DBAY_DB_NAME of `env`, so pass the
 * same `env` you give `loadConfig`.
 */
export function serviceConfigShape(service: string, env: Environment = process.env) {
  const schema = schemaNameOf(service);
  const host = env.PGHOST || '127.0.0.1';
  const port = env.PGPORT || '5432';
  const database = env.DBAY_DB_NAME || DEFAULT_DATABASE_NAME;
  return {
    SERVICE_NAME: z.string().min(1).default(service),
    LOG_LEVEL: configPieces.logLevel,
    /** 0 picks a free port (tests); a service of the platform defaults to its port in CONVENTIONS.md. */
    HTTP_PORT: z.coerce
      .number()
      .int()
      .min(0)
      .max(65_535)
      .default(SERVICE_HTTP_PORTS[service as ServiceName] ?? 0),
    KAFKA_BROKERS: configPieces.kafkaBrokers,
    SCHEMA_REGISTRY_URL: configPieces.schemaRegistryUrl,
    DATABASE_URL: configPieces.databaseUrl.default(`postgres://dbay_${schema}@${host}:${port}/${database}`),
    DB_SCHEMA: configPieces.schemaName.default(schema),
    DB_POOL_MAX: configPieces.positiveInt(10),
    REDIS_URL: configPieces.redisUrl,
    /** Where the HTTP port listens; the signer keeps it on loopback. */
    HTTP_HOST: z.string().min(1).default('0.0.0.0'),
    /** The whole request (headers and body) must arrive within this; the socket is closed after it. */
    HTTP_REQUEST_TIMEOUT_MS: configPieces.positiveInt(30_000),
    /** The headers must arrive within this (a slow-loris client is cut off here). */
    HTTP_HEADERS_TIMEOUT_MS: configPieces.positiveInt(10_000),
    /** An idle keep-alive socket is closed after this; keep it above the proxy's own idle timeout. */
    HTTP_KEEP_ALIVE_TIMEOUT_MS: configPieces.positiveInt(5_000),
    /** Proxies in front of the service (the web proxy: 1) whose X-Forwarded-For is believed; 0 locally. */
    HTTP_TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
    /** /metrics is served here only, never on HTTP_PORT. 0 picks a free port (tests). */
    METRICS_PORT: z.coerce
      .number()
      .int()
      .min(0)
      .max(65_535)
      .default(SERVICE_METRICS_PORTS[service as ServiceName] ?? 0),
    METRICS_HOST: z.string().min(1).default('0.0.0.0'),
    /** The window of the request budgets below. */
    RATE_LIMIT_WINDOW_SECONDS: configPieces.positiveInt(60),
    /** POSTs one user (or operator) may make per window, counted after the token is verified. */
    RATE_LIMIT_USER_POSTS: configPieces.positiveInt(DEFAULT_RATE_LIMIT_POINTS),
    /** Requests refused with 401 per source address per window; past it the source gets 429. */
    RATE_LIMIT_AUTH_FAILURES: configPieces.positiveInt(DEFAULT_RATE_LIMIT_POINTS),
    /**
     * The consumer's Kafka session: a process that died without leaving its group (SIGKILL, OOM) holds
     * its partitions until this runs out, and kafkajs has no static membership (group.instance.id) to
     * let its restarted self take them back sooner. 10 s bounds that gap; the consumer heartbeats between
     * messages, in retry pauses and after every fetch (at most 500 ms of long poll), so a live member
     * misses it only if one message's handler blocks for 10 s. The heartbeat must stay a third of it.
     */
    KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).default(10_000),
    KAFKA_HEARTBEAT_INTERVAL_MS: z.coerce.number().int().min(100).default(1_000),
    ...kafkaSecurityShape(service),
  };
}

/**
 * How a client proves who it is to Kafka. The stack's brokers take SASL/SCRAM-SHA-512 only, each service
 * as its own principal (its name by default), so ACLs can say which service produces and reads what
 * (docs/CONVENTIONS.md, "Kafka principals"). `none` is for the throwaway brokers of tests and benchmarks.
 */
export function kafkaSecurityShape(defaultUsername: string) {
  return {
    KAFKA_SASL_MECHANISM: z.enum(['none', 'scram-sha-512']).default('none'),
    KAFKA_SASL_USERNAME: z.string().min(1).default(defaultUsername),
    ...secretVariables('KAFKA_SASL_PASSWORD'),
    /** TLS to the brokers (SASL_SSL); production, where the network between them is not trusted. */
    KAFKA_SSL: flagVariable(false),
  };
}

/** The shape every service's configuration starts from (see serviceConfigShape). */
export type PlatformConfigShape = ReturnType<typeof serviceConfigShape>;

/** The validated variables the skeleton itself uses; every service's configuration includes them. */
export type PlatformConfig = z.output<z.ZodObject<PlatformConfigShape>>;
