// Publishing side of the transactional outbox. Each round locks the oldest unsent rows
// (FOR UPDATE SKIP LOCKED), encodes them, sends them (acks=all, one request in flight), marks them sent
// and commits. A crash between send and commit leaves the rows unsent, so they are sent again:
// delivery is at-least-once and the consumers' inbox makes the effect exactly-once.
//
// Several relays may run at once (one per replica). By default they also take a per-schema advisory
// lock so that only one publishes at a time: without it two relays could publish two batches
// concurrently and reorder one key's events. `ordered: false` trades that for parallel publishing.
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfluentSchemaRegistryValidationError } from '@kafkajs/confluent-schema-registry/dist/errors.js';
import type { Kafka, Message, Producer } from 'kafkajs';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { EventCodec } from './codec.js';
import { buildEnvelope } from './envelope.js';
import { ACKS_ALL, createRelayProducer, PRODUCE_TIMEOUT_MS } from './kafka.js';
import type { PlatformMetrics } from './metrics.js';
import { OUTBOX_TABLE, outboxChannel } from './migrations.js';
import { PgListener } from './notifications.js';
import type { OutboxRow } from './outbox.js';

export const OUTBOX_BATCH_SIZE = 100;
/** The fallback when a NOTIFY is missed (listener down, another relay's commit): bounded latency anyway. */
export const OUTBOX_POLL_INTERVAL_MS = 1_000;
export const OUTBOX_ERROR_BACKOFF_INITIAL_MS = 500;
export const OUTBOX_ERROR_BACKOFF_MAX_MS = 30_000;
export const OUTBOX_STOP_FLUSH_TIMEOUT_MS = 10_000;
export const OUTBOX_PENDING_SAMPLE_INTERVAL_MS = 5_000;
/**
 * The largest event the relay sends: the broker's default `message.max.bytes` (1,048,588) less room
 * for the record batch's own overhead. A larger one would be refused on every try and hold back every
 * event behind it; it is parked instead, like a payload that does not encode.
 */
export const OUTBOX_MAX_MESSAGE_BYTES = 1_000_000;

export interface OutboxRelayOptions {
  knex: Knex;
  /** The schema whose outbox this relay drains (the knex pool's search_path). */
  schema: string;
  kafka: Kafka;
  codec: EventCodec;
  logger: Logger;
  metrics: PlatformMetrics;
  /** The service name written into every envelope's `producer`. */
  producerName: string;
  batchSize?: number;
  pollIntervalMs?: number;
  ordered?: boolean;
  /** Events whose key, value and headers together exceed this are parked (OUTBOX_MAX_MESSAGE_BYTES). */
  maxMessageBytes?: number;
  /** Test seam: runs after a batch is sent and before it is marked sent; throwing simulates a crash there. */
  afterPublish?: (eventIds: readonly string[]) => Promise<void> | void;
}

export class OutboxRelay {
  private readonly producer: Producer;
  private readonly logger: Logger;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly ordered: boolean;
  private connecting: Promise<void> | undefined;
  private loop: Promise<void> | undefined;
  private running = false;
  private wakeRequested = false;
  private wake: (() => void) | undefined;
  private readonly listener: PgListener;
  private lastPendingSampleMs = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    this.producer = createRelayProducer(options.kafka);
    this.logger = options.logger.child({ component: 'outbox-relay', schema: options.schema });
    this.batchSize = options.batchSize ?? OUTBOX_BATCH_SIZE;
    this.pollIntervalMs = options.pollIntervalMs ?? OUTBOX_POLL_INTERVAL_MS;
    this.ordered = options.ordered ?? true;
    this.listener = new PgListener(
      options.knex,
      outboxChannel(options.schema),
      () => {
        this.wakeRequested = true;
        this.wake?.();
      },
      this.logger,
    );
  }

  /** Connects and publishes in the background until stop(). */
  async start(): Promise<void> {
    if (this.running) return;
    await this.connect();
    this.running = true;
    this.loop = this.run();
  }

  isRunning(): boolean {
    return this.running;
  }

  /**
   * Stops polling, lets the current round finish, publishes what is still pending (bounded by
   * OUTBOX_STOP_FLUSH_TIMEOUT_MS), then disconnects. `flush: false` abandons instead, like a crash.
   */
  async stop({ flush = true }: { flush?: boolean } = {}): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    if (flush && this.connecting) await this.flush();
    await this.listener.stop();
    if (this.connecting) await this.producer.disconnect();
    this.connecting = undefined;
    this.logger.info('Outbox relay stopped');
  }

  /**
   * One round: publishes up to one batch and returns how many rows it settled (sent or parked).
   * Returns 0 when nothing is pending or, in ordered mode, when another relay holds the turn.
   */
  async publishBatch(): Promise<number> {
    await this.connect();
    const { settled, sent } = await this.options.knex.transaction(async (trx) => {
      const nothing = { settled: 0, sent: [] as OutboxRow[] };
      if (this.ordered && !(await this.takeTurn(trx))) return nothing;
      const rows = (await trx<OutboxRow>(OUTBOX_TABLE)
        .select(
          'id',
          'event_id',
          'topic',
          'message_key',
          'payload',
          'correlation_id',
          'causation_id',
          'occurred_at',
        )
        .whereNull('sent_at')
        .whereNull('parked_at')
        .orderBy('id')
        .limit(this.batchSize)
        .forUpdate()
        .skipLocked()) as OutboxRow[];
      if (rows.length === 0) return nothing;

      const { ready, parked } = await this.encode(rows);
      if (ready.length > 0) {
        await this.send(ready.map(({ row, message }) => ({ topic: row.topic, message })));
        await this.options.afterPublish?.(ready.map(({ row }) => row.event_id));
        await trx(OUTBOX_TABLE)
          .whereIn(
            'id',
            ready.map(({ row }) => row.id),
          )
          .update({ sent_at: trx.fn.now() });
      }
      for (const { row, reason } of parked) {
        await trx(OUTBOX_TABLE).where('id', row.id).update({ parked_at: trx.fn.now(), last_error: reason });
      }
      return { settled: rows.length, sent: ready.map(({ row }) => row) };
    });
    // Counted after commit: a send whose marking rolled back will be sent (and counted) again.
    for (const row of sent) this.options.metrics.outboxPublished.inc({ topic: row.topic });
    await this.samplePending(settled === 0);
    return settled;
  }

  private connect(): Promise<void> {
    this.connecting ??= this.producer.connect();
    return this.connecting;
  }

  /** A transaction-scoped advisory lock per schema: released by commit or rollback, even by a crash. */
  private async takeTurn(trx: Knex.Transaction): Promise<boolean> {
    const result = await trx.raw<{ rows: Array<{ locked: boolean }> }>(
      'SELECT pg_try_advisory_xact_lock(hashtextextended(?, 0)) AS locked',
      [`dbay.outbox.${this.options.schema}`],
    );
    return result.rows[0]?.locked === true;
  }

  private async encode(rows: OutboxRow[]) {
    const ready: Array<{ row: OutboxRow; message: Message }> = [];
    const parked: Array<{ row: OutboxRow; reason: string }> = [];
    for (const row of rows) {
      const envelope = buildEnvelope({
        eventId: row.event_id,
        eventType: row.topic,
        occurredAt: row.occurred_at,
        correlationId: row.correlation_id,
        causationId: row.causation_id,
        producer: this.options.producerName,
      });
      try {
        const value = await this.options.codec.encode(row.topic, { envelope, payload: row.payload });
        const headers = { 'event-id': row.event_id, 'correlation-id': row.correlation_id };
        const bytes = messageBytes(row.message_key, value, headers);
        const limit = this.options.maxMessageBytes ?? OUTBOX_MAX_MESSAGE_BYTES;
        if (bytes > limit) {
          const reason = `the encoded event is ${bytes} bytes, more than the ${limit} bytes Kafka accepts`;
          this.logger.error({ eventId: row.event_id, topic: row.topic, bytes }, 'Outbox event parked');
          this.options.metrics.outboxParked.inc({ topic: row.topic });
          parked.push({ row, reason });
          continue;
        }
        ready.push({ row, message: { key: row.message_key, value, headers } });
      } catch (error) {
        // A payload that does not fit its schema is a producer bug and will never encode. Parking it
        // keeps every other event flowing; the error log and metric call an operator. Anything else
        // (registry unreachable) is transient and aborts the round.
        if (!(error instanceof ConfluentSchemaRegistryValidationError)) throw error;
        const reason = `payload does not match the schema of ${row.topic}: ${JSON.stringify(error.paths)}`;
        this.logger.error({ eventId: row.event_id, topic: row.topic, err: error }, 'Outbox event parked');
        this.options.metrics.outboxParked.inc({ topic: row.topic });
        parked.push({ row, reason });
      }
    }
    return { ready, parked };
  }

  private async send(messages: Array<{ topic: string; message: Message }>): Promise<void> {
    // Grouped by topic in id order, so each key's events reach their partition in commit order.
    const byTopic = new Map<string, Message[]>();
    for (const { topic, message } of messages) byTopic.set(topic, [...(byTopic.get(topic) ?? []), message]);
    await this.producer.sendBatch({
      topicMessages: [...byTopic].map(([topic, topicMessages]) => ({ topic, messages: topicMessages })),
      acks: ACKS_ALL,
      timeout: PRODUCE_TIMEOUT_MS,
    });
  }

  private async samplePending(idle: boolean): Promise<void> {
    if (idle) {
      this.options.metrics.outboxPending.set(0);
      return;
    }
    const now = Date.now();
    if (now - this.lastPendingSampleMs < OUTBOX_PENDING_SAMPLE_INTERVAL_MS) return;
    this.lastPendingSampleMs = now;
    const [row] = await this.options
      .knex(OUTBOX_TABLE)
      .whereNull('sent_at')
      .whereNull('parked_at')
      .count<Array<{ pending: string }>>({ pending: '*' });
    this.options.metrics.outboxPending.set(Number(row?.pending ?? 0));
  }

  private async run(): Promise<void> {
    let backoffMs = OUTBOX_ERROR_BACKOFF_INITIAL_MS;
    while (this.running) {
      await this.listener.ensure();
      try {
        this.wakeRequested = false;
        const settled = await this.publishBatch();
        backoffMs = OUTBOX_ERROR_BACKOFF_INITIAL_MS;
        // A full batch means more may be waiting: go again at once.
        if (settled < this.batchSize && !this.wakeRequested) await this.idle(this.pollIntervalMs);
      } catch (error) {
        this.logger.error(
          { err: error, backoffMs },
          'Outbox round failed; rows stay pending and will be retried',
        );
        await this.idle(backoffMs);
        backoffMs = Math.min(backoffMs * 2, OUTBOX_ERROR_BACKOFF_MAX_MS);
      }
    }
  }

  private async idle(ms: number): Promise<void> {
    if (!this.running) return;
    const controller = new AbortController();
    this.wake = () => controller.abort();
    try {
      await sleep(ms, undefined, { signal: controller.signal });
    } catch {
      // Woken early by a NOTIFY or by stop().
    } finally {
      this.wake = undefined;
    }
  }

  private async flush(): Promise<void> {
    const deadline = Date.now() + OUTBOX_STOP_FLUSH_TIMEOUT_MS;
    try {
      while (Date.now() < deadline && (await this.publishBatch()) > 0) {
        // Keep publishing until the outbox is empty or the deadline passes.
      }
    } catch (error) {
      this.logger.error(
        { err: error },
        'Outbox flush on stop failed; the rows stay pending for the next relay',
      );
    }
  }
}

/** What one record costs the broker's size limit, before the record batch's own overhead. */
function messageBytes(key: string, value: Buffer, headers: Record<string, string>): number {
  let bytes = Buffer.byteLength(key) + value.length;
  for (const [name, text] of Object.entries(headers))
    bytes += Buffer.byteLength(name) + Buffer.byteLength(text);
  return bytes;
}
