// Typed configuration, validated once at boot. A service describes its variables as a zod object,
// `loadConfig` parses the environment against it, and a bad or missing value stops the service with a
// message that names every offending variable (never its value: DATABASE_URL may carry a password).
import { z } from 'zod';

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
} as const;

export type ServiceName = keyof typeof SERVICE_HTTP_PORTS;

export const DEFAULT_KAFKA_BROKERS = '127.0.0.1:9092';
export const DEFAULT_SCHEMA_REGISTRY_URL = 'http://127.0.0.1:8081/apis/ccompat/v7';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_DATABASE_NAME = 'dbay';

/** `deposit-watcher` -> `deposit_watcher`: the schema and role suffix of a service. */
export function schemaNameOf(service: string): string {
  return service.replaceAll('-', '_');
}

const hostAndPort = /^[A-Za-z0-9.-]+:\d{1,5}$/;

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
};

/**
 * The shared variables of one service with the defaults of CONVENTIONS.md: its own port, role and
 * schema. The DATABASE_URL default is built from PGHOST, PGPORT and DBAY_DB_NAME of `env`, so pass the
 * same `env` you give `loadConfig`.
 */
export function serviceConfigShape(service: ServiceName, env: Environment = process.env) {
  const schema = schemaNameOf(service);
  const host = env.PGHOST || '127.0.0.1';
  const port = env.PGPORT || '5432';
  const database = env.DBAY_DB_NAME || DEFAULT_DATABASE_NAME;
  return {
    SERVICE_NAME: z.string().min(1).default(service),
    LOG_LEVEL: configPieces.logLevel,
    HTTP_PORT: configPieces.port.default(SERVICE_HTTP_PORTS[service]),
    KAFKA_BROKERS: configPieces.kafkaBrokers,
    SCHEMA_REGISTRY_URL: configPieces.schemaRegistryUrl,
    DATABASE_URL: configPieces.databaseUrl.default(`postgres://dbay_${schema}@${host}:${port}/${database}`),
    DB_SCHEMA: configPieces.schemaName.default(schema),
    REDIS_URL: configPieces.redisUrl,
  };
}
