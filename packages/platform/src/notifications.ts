// Postgres LISTEN on a dedicated connection (outside the pool, which would hand it to someone else), for
// waking work when another transaction commits: the outbox relay on new rows, a request waiting for the
// answer to its order. NOTIFY is delivered on commit only, never on rollback. A lost connection is
// logged and re-established on the next `ensure()`; callers always have a polling fallback, so a
// missing listener costs latency, never correctness.
import type { Knex } from 'knex';
import type { Logger } from 'pino';

export const LISTEN_RETRY_INTERVAL_MS = 5_000;

/** The two knex client methods (public, untyped) that hand out a connection outside the pool. */
interface RawConnectionClient {
  acquireRawConnection(): Promise<unknown>;
  destroyRawConnection(connection: unknown): Promise<void>;
}

interface PgListenConnection {
  query(sql: string): Promise<unknown>;
  on(event: 'notification', listener: (message: { channel: string; payload?: string }) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
}

export class PgListener {
  private connection: PgListenConnection | undefined;
  private lastAttemptMs = 0;
  private stopped = false;

  constructor(
    private readonly knex: Knex,
    private readonly channel: string,
    private readonly onNotification: (payload: string) => void,
    private readonly logger: Logger,
  ) {}

  get listening(): boolean {
    return this.connection !== undefined;
  }

  /** Listens if not already (at most one attempt per LISTEN_RETRY_INTERVAL_MS); never throws. */
  async ensure(): Promise<void> {
    if (this.stopped || this.connection || Date.now() - this.lastAttemptMs < LISTEN_RETRY_INTERVAL_MS) return;
    this.lastAttemptMs = Date.now();
    const client = this.knex.client as RawConnectionClient;
    let connection: PgListenConnection | undefined;
    try {
      connection = (await client.acquireRawConnection()) as PgListenConnection;
      const own = connection;
      own.on('notification', (message) => {
        if (message.channel === this.channel) this.onNotification(message.payload ?? '');
      });
      own.on('error', (error: Error) => {
        this.logger.warn(
          { err: error, channel: this.channel },
          'LISTEN connection failed; polling until it is back',
        );
        if (this.connection === own) this.connection = undefined;
        void client.destroyRawConnection(own).catch(() => undefined);
      });
      await own.query(`LISTEN "${this.channel}"`);
      this.connection = own;
    } catch (error) {
      this.logger.warn({ err: error, channel: this.channel }, 'Cannot LISTEN; polling only');
      if (connection) await client.destroyRawConnection(connection).catch(() => undefined);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const connection = this.connection;
    this.connection = undefined;
    if (connection) {
      await (this.knex.client as RawConnectionClient).destroyRawConnection(connection).catch(() => undefined);
    }
  }
}
