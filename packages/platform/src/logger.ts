// Structured JSON logs (pino) with the correlation of the work in progress. The consumer and the HTTP
// app run each message or request inside `withLogContext`, and the logger's mixin copies that context
// into every line, so a handler's logs carry correlationId and eventId without threading a logger
// through the domain.
import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

/** What the current unit of work is about; every field is optional because HTTP requests have no event. */
export interface LogContext {
  correlationId?: string;
  eventId?: string;
  causationId?: string;
  consumer?: string;
  topic?: string;
}

const logContextStorage = new AsyncLocalStorage<LogContext>();

/** Runs `work` with `context` merged over the enclosing one, so nested scopes add detail. */
export function withLogContext<T>(context: LogContext, work: () => T): T {
  return logContextStorage.run({ ...logContextStorage.getStore(), ...context }, work);
}

export function currentLogContext(): LogContext {
  return logContextStorage.getStore() ?? {};
}

/** Keys whose values are secrets. Listed at three depths because pino's redaction has no deep wildcard. */
export const REDACTED_KEYS = [
  'password',
  'passphrase',
  'mnemonic',
  'seed',
  'privateKey',
  'xprv',
  'wif',
  'secret',
  'authorization',
  'cookie',
  'DATABASE_URL',
  'DOGECOIN_RPC_PASSWORD',
] as const;

export const REDACT_PATHS = REDACTED_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

export interface LoggerOptions {
  service: string;
  level?: LevelWithSilent;
  /** Where lines go; stdout by default. Tests pass a stream to read them back. */
  destination?: DestinationStream;
}

export function createLogger({ service, level = 'info', destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: { service, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Labels instead of numbers: the logs are read by people and by log pipelines that match on "error".
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      mixin: () => ({ ...currentLogContext() }),
    },
    // Synchronous writes so the last lines before a crash (process.exit) are never lost.
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
