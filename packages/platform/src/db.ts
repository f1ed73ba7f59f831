// One knex pool per service, bound to the service's own schema, with every limit spelled out and with
// pg's type parsers fixed so that BIGINT and NUMERIC (money) always arrive as strings. pg already
// returns scalar int8/numeric as strings, but NUMERIC[] becomes JS floats by default: we pin all four
// so that no query can ever hand a float to money code.
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';

export const DB_POOL_MIN = 0;
export const DB_POOL_MAX = 10;
export const DB_ACQUIRE_TIMEOUT_MS = 10_000;
export const DB_CONNECT_TIMEOUT_MS = 5_000;
export const DB_IDLE_CONNECTION_TIMEOUT_MS = 30_000;
export const DB_STATEMENT_TIMEOUT_MS = 30_000;
/** Long enough for an outbox batch held open across a Kafka send, short enough to free stuck locks. */
export const DB_IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;

const OID = { int8: 20, numeric: 1700, int8Array: 1016, numericArray: 1231, textArray: 1009 } as const;

const keepAsString = (value: string): string => value;
const parserOf = (oid: number, format: 'text' | 'binary' = 'text'): unknown =>
  pg.types.getTypeParser(oid, format);
const parseTextArray = parserOf(OID.textArray);

/** Per-connection overrides (not pg.types.setTypeParser, which would change every pool in the process). */
export const MONEY_SAFE_TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): unknown {
    if (oid === OID.int8 || oid === OID.numeric) return keepAsString;
    if (oid === OID.int8Array || oid === OID.numericArray) return parseTextArray;
    return parserOf(oid, format);
  },
};

export interface DatabaseOptions {
  connectionString: string;
  /** The schema the service owns; it becomes the search_path of every pooled connection. */
  schema: string;
  applicationName?: string;
  poolMin?: number;
  poolMax?: number;
}

export function createKnex({
  connectionString,
  schema,
  applicationName = schema,
  poolMin = DB_POOL_MIN,
  poolMax = DB_POOL_MAX,
}: DatabaseOptions): Knex {
  return knexFactory({
    client: 'pg',
    connection: {
      connectionString,
      application_name: applicationName,
      connectionTimeoutMillis: DB_CONNECT_TIMEOUT_MS,
      statement_timeout: DB_STATEMENT_TIMEOUT_MS,
      idle_in_transaction_session_timeout: DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
      types: MONEY_SAFE_TYPES,
    } as Knex.PgConnectionConfig,
    searchPath: [schema],
    pool: { min: poolMin, max: poolMax, idleTimeoutMillis: DB_IDLE_CONNECTION_TIMEOUT_MS },
    acquireConnectionTimeout: DB_ACQUIRE_TIMEOUT_MS,
  });
}

/** A readiness check: the pool can hand out a connection and the server answers. */
export async function pingDatabase(knex: Knex): Promise<void> {
  await knex.raw('select 1');
}

/** Postgres SQLSTATE classes and codes that mean "try again later", not "this input is wrong". */
const TRANSIENT_SQLSTATE_PREFIXES = ['08', '53', '57P'];
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '55P03']);
const TRANSIENT_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * True when an error says the database was unreachable or asked us to retry (connection loss,
 * shutdown, serialization failure, deadlock, pool exhaustion). Consumers retry these without limit
 * instead of dead-lettering a good event because Postgres restarted.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'KnexTimeoutError') return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (TRANSIENT_SQLSTATES.has(code) || TRANSIENT_NODE_CODES.has(code)) return true;
    if (code.length === 5 && TRANSIENT_SQLSTATE_PREFIXES.some((prefix) => code.startsWith(prefix)))
      return true;
  }
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(
    error.message,
  );
}
