/**
 * The endpoints of the running local stack, read from .stack/stack.env (written by `npm run stack:up`),
 * falling back to the defaults of docs/CONVENTIONS.md when the file or a line is missing.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SASLOptions } from 'kafkajs';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export const SERVICE_NAMES = [
  'wallet',
  'order',
  'deposit-watcher',
  'withdrawal-saga',
  'signer',
  'reconciler',
  'web',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

const DEFAULT_SERVICE_PORTS: Record<ServiceName, number> = {
  wallet: 7101,
  order: 7102,
  'deposit-watcher': 7103,
  'withdrawal-saga': 7104,
  signer: 7105,
  reconciler: 7106,
  web: 7107,
};

const DEFAULT_METRICS_PORTS: Record<ServiceName, number> = {
  wallet: 9101,
  order: 9102,
  'deposit-watcher': 9103,
  'withdrawal-saga': 9104,
  signer: 9105,
  reconciler: 9106,
  web: 9107,
};

export interface ServiceEndpoint {
  name: ServiceName;
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  /** http://127.0.0.1:<metrics port>/metrics: the only place a service serves its metrics. */
  metricsUrl: string;
  /** postgres://dbay_<service>@host:port/dbay: the service's own login role. */
  databaseUrl: string;
  /** The schema the service owns: its name with underscores. */
  schema: string;
}

export interface StackEndpoints {
  stackDir: string;
  secretsDir: string;
  logDir: string;
  pidDir: string;
  kafkaBrokers: string[];
  /** Where the Kafka jars are, for `java -cp '<dir>/*' <tool class>`. */
  kafkaLibsDir: string;
  /** How clients authenticate to the stack's broker: SCRAM-SHA-512, one principal per service, admin for tests. */
  kafkaSaslMechanism: 'none' | 'scram-sha-512';
  /** kcat's -F file: the admin principal's client settings. */
  kafkaKcatConfig: string;
  schemaRegistryUrl: string;
  /** The superuser connection to the dbay database (trust auth locally). */
  databaseAdminUrl: string;
  redisUrl: string;
  dogecoinRpc: { url: string; user: string; passwordFile: string };
  services: Record<ServiceName, ServiceEndpoint>;
}

/** Parses KEY=VALUE lines; blank lines and # comments are skipped. */
export function parseStackEnv(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) values.set(match[1]!, match[2]!);
  }
  return values;
}

/** Builds the endpoints from stack.env values; every missing value takes the convention's default. */
export function endpointsFrom(values: Map<string, string>, stackDir: string): StackEndpoints {
  const get = (key: string, fallback: string) => values.get(key) ?? fallback;
  const pgHost = get('PGHOST', '127.0.0.1');
  const pgPort = get('PGPORT', '5432');
  const dbName = get('DBAY_DB_NAME', 'dbay');
  const secretsDir = get('STACK_SECRETS_DIR', path.join(stackDir, 'secrets'));
  const services = {} as Record<ServiceName, ServiceEndpoint>;
  for (const name of SERVICE_NAMES) {
    const prefix = name.replaceAll('-', '_').toUpperCase();
    const schema = name.replaceAll('-', '_');
    const port = Number(get(`${prefix}_HTTP_PORT`, String(DEFAULT_SERVICE_PORTS[name])));
    const metricsPort = Number(get(`${prefix}_METRICS_PORT`, String(DEFAULT_METRICS_PORTS[name])));
    services[name] = {
      name,
      port,
      url: get(`${prefix}_URL`, `http://127.0.0.1:${port}`),
      metricsUrl: `${get(`${prefix}_METRICS_URL`, `http://127.0.0.1:${metricsPort}`)}/metrics`,
      databaseUrl: get(`${prefix}_DATABASE_URL`, `postgres://dbay_${schema}@${pgHost}:${pgPort}/${dbName}`),
      schema: get(`${prefix}_DB_SCHEMA`, schema),
    };
  }
  return {
    stackDir,
    secretsDir,
    logDir: get('STACK_LOG_DIR', path.join(stackDir, 'logs')),
    pidDir: get('STACK_PID_DIR', path.join(stackDir, 'pids')),
    kafkaBrokers: get('KAFKA_BROKERS', '127.0.0.1:9092').split(','),
    kafkaLibsDir: get('KAFKA_LIBS_DIR', path.join(stackDir, 'kafka', 'libs')),
    kafkaSaslMechanism: get('KAFKA_SASL_MECHANISM', 'none') === 'scram-sha-512' ? 'scram-sha-512' : 'none',
    kafkaKcatConfig: get('KAFKA_KCAT_CONFIG', path.join(secretsDir, 'kafka-admin.kcat.conf')),
    schemaRegistryUrl: get('SCHEMA_REGISTRY_URL', 'http://127.0.0.1:8081/apis/ccompat/v7'),
    databaseAdminUrl: get('DATABASE_ADMIN_URL', `postgres://postgres@${pgHost}:${pgPort}/${dbName}`),
    redisUrl: get('REDIS_URL', 'redis://127.0.0.1:6379'),
    dogecoinRpc: {
      url: get('DOGECOIN_RPC_URL', 'http://127.0.0.1:18332'),
      user: get('DOGECOIN_RPC_USER', 'dbay'),
      passwordFile: get('DOGECOIN_RPC_PASSWORD_FILE', path.join(secretsDir, 'dogecoin-rpc-password')),
    },
    services,
  };
}

let cached: StackEndpoints | undefined;

/** The running stack's endpoints (STACK_DIR overrides where the stack lives; default <repo>/.stack). */
export function stackEndpoints(): StackEndpoints {
  if (!cached) {
    const stackDir = process.env.STACK_DIR ?? path.join(REPO_ROOT, '.stack');
    const file = path.join(stackDir, 'stack.env');
    const values = existsSync(file) ? parseStackEnv(readFileSync(file, 'utf8')) : new Map<string, string>();
    cached = endpointsFrom(values, stackDir);
  }
  return cached;
}

/** The regtest node's RPC password, generated by stack:up (DOGECOIN_RPC_PASSWORD wins when set). */
export function dogecoinRpcPassword(): string {
  return (
    process.env.DOGECOIN_RPC_PASSWORD ??
    readFileSync(stackEndpoints().dogecoinRpc.passwordFile, 'utf8').trim()
  );
}

/** Where scripts/stack.sh keeps the Kafka password of `principal` (a service's name, or admin). */
export function kafkaPasswordFileOf(principal: string): string {
  return path.join(stackEndpoints().secretsDir, `kafka-${principal}-password`);
}

/**
 * The platform's KAFKA_SASL_* variables that make a process `principal` on the stack's broker: a service
 * started by a test next to the stack's (a replica, the web server) connects as itself, as the stack's does.
 */
export function stackKafkaClientEnv(principal: string): Record<string, string> {
  const { kafkaSaslMechanism } = stackEndpoints();
  if (kafkaSaslMechanism === 'none') return {};
  return {
    KAFKA_SASL_MECHANISM: kafkaSaslMechanism,
    KAFKA_SASL_USERNAME: principal,
    KAFKA_SASL_PASSWORD_FILE: kafkaPasswordFileOf(principal),
  };
}

/**
 * kafkajs' `sasl` for `principal` on the stack's broker: admin (the super user) by default, which is what a
 * test that creates topics, reads any topic or replays events needs; a service's name to act as it.
 */
export function stackKafkaSasl(principal = 'admin'): { sasl?: SASLOptions } {
  const { kafkaSaslMechanism } = stackEndpoints();
  if (kafkaSaslMechanism === 'none') return {};
  const password = readFileSync(kafkaPasswordFileOf(principal), 'utf8').trim();
  return { sasl: { mechanism: kafkaSaslMechanism, username: principal, password } };
}

/** The admin's `sasl` when `brokers` are the stack's; nothing for a sandbox's plaintext throwaway broker. */
export function stackKafkaSaslFor(brokers: readonly string[] | string): { sasl?: SASLOptions } {
  const list = typeof brokers === 'string' ? brokers : brokers.join(',');
  return list === stackEndpoints().kafkaBrokers.join(',') ? stackKafkaSasl() : {};
}
