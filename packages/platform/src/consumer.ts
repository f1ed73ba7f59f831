// The idempotent consumer. For each message, in partition order: decode it (bytes that can never
// decode go to the DLQ at once), then in ONE database transaction record its event id in the inbox
// and run the handler, so the effect and the "already applied" mark commit together. The offset is
// committed only after that transaction, so a crash anywhere means redelivery, and redelivery (or a
// kcat replay) finds the inbox row and changes nothing.
//
// Failures are told apart: an unreachable database or registry is waited out without limit (it is
// nobody's message's fault); a handler that rejects the message for good (PermanentEventError: it
// breaks the contract or names something that does not exist) sends it to the DLQ at once; a handler
// that keeps throwing anything else gets CONSUMER_MAX_ATTEMPTS tries with backoff, then its message
// goes to the DLQ and the partition moves on.
//
// Batch handlers (group commit): for a topic with a batch handler, consecutive messages of a partition
// (up to maxBatchSize) are applied in ONE transaction: one inbox insert for all of them, the handler
// with the messages not seen before, one commit, then one offset commit. If anything in that goes wrong
// other than an unreachable database, the same messages are applied again one at a time through the
// path above, so a bad message is retried or dead-lettered alone and never takes its neighbours with it.
import { setTimeout as sleep } from 'node:timers/promises';
import type {
  Consumer,
  ConsumerConfig,
  EachBatchPayload,
  IHeaders,
  Kafka,
  KafkaMessage,
  Producer,
} from 'kafkajs';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { UndecodableMessageError, type EventCodec } from './codec.js';
import { isTransientDatabaseError } from './db.js';
import { sendToDeadLetter } from './dlq.js';
import type { EventMessage } from './envelope.js';
import { createRelayProducer } from './kafka.js';
import { withLogContext } from './logger.js';
import type { PlatformMetrics } from './metrics.js';
import { INBOX_TABLE } from './migrations.js';

export const CONSUMER_MAX_ATTEMPTS = 5;

/**
 * Thrown by a handler for a message no retry can ever apply (a payload that breaks the contract, a
 * reference to something that does not exist): the consumer dead-letters it at once instead of
 * spending its backoff on it while the rest of the partition waits.
 */
export class PermanentEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentEventError';
  }
}
export const CONSUMER_RETRY_INITIAL_BACKOFF_MS = 200;
export const CONSUMER_RETRY_MAX_BACKOFF_MS = 10_000;
/** Kafka's defaults for a service; tests pass shorter ones through `consumerConfig`. */
export const CONSUMER_DEFAULT_CONFIG = {
  sessionTimeout: 30_000,
  rebalanceTimeout: 60_000,
  heartbeatInterval: 3_000,
  maxWaitTimeInMs: 500,
  maxBytesPerPartition: 1_048_576,
  allowAutoTopicCreation: false,
  retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 10_000 },
} as const satisfies Omit<ConsumerConfig, 'groupId'>;

export interface HandlerContext {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: IHeaders | undefined;
  /** 1 on the first try; a handler may log differently on a retry. */
  attempt: number;
  /** Already carries correlationId and eventId through the log context. */
  logger: Logger;
}

/** Runs inside the inbox transaction; it may write state and enqueue outbox events with `trx`. */
export type EventHandler<Payload = unknown> = (
  trx: Knex.Transaction,
  event: EventMessage<Payload>,
  context: HandlerContext,
) => Promise<void>;

/** One message of a batch: its event and the context a single handler would get. */
export interface BatchItem<Payload = unknown> {
  event: EventMessage<Payload>;
  context: HandlerContext;
}

/**
 * Applies several messages of one partition (in offset order, each new to the inbox) inside one
 * transaction. It must throw rather than half-apply: a throw rolls the batch back, and the consumer
 * then runs the same messages one at a time, as `[item]` batches, so a PermanentEventError thrown for
 * one of them dead-letters that one only.
 */
export type BatchEventHandler<Payload = unknown> = (
  trx: Knex.Transaction,
  items: BatchItem<Payload>[],
) => Promise<void>;

export const CONSUMER_DEFAULT_MAX_BATCH = 200;

/**
 * Per-message handlers run as batch handlers: a run of one partition's messages is applied one after
 * another inside one transaction (one inbox insert, one commit), each exactly as its single handler
 * would. For handlers whose messages of one partition touch disjoint rows or take their row locks in
 * offset order, so two partitions' batches cannot deadlock on each other.
 */
export function inOneTransaction(
  handlers: Record<string, EventHandler<never>>,
): Record<string, BatchEventHandler<never>> {
  return Object.fromEntries(
    Object.entries(handlers).map(([topic, handler]) => [
      topic,
      async (trx: Knex.Transaction, items: BatchItem<never>[]) => {
        for (const { event, context } of items) await handler(trx, event, context);
      },
    ]),
  );
}

export interface IdempotentConsumerOptions {
  kafka: Kafka;
  knex: Knex;
  codec: EventCodec;
  logger: Logger;
  metrics: PlatformMetrics;
  groupId: string;
  /** The inbox's consumer_name and the dlq-consumer header; the group id unless given. */
  consumerName?: string;
  /** One handler per topic; the consumer subscribes to exactly these topics and those of batchHandlers. */
  handlers: Record<string, EventHandler<never>>;
  /** Topics whose messages are applied many per transaction (see BatchEventHandler). */
  batchHandlers?: Record<string, BatchEventHandler<never>>;
  /** Most messages in one batch transaction (CONSUMER_DEFAULT_MAX_BATCH). */
  maxBatchSize?: number;
  maxAttempts?: number;
  retryInitialBackoffMs?: number;
  /** New groups start at the beginning: an event produced before the first deploy still counts. */
  fromBeginning?: boolean;
  /** Partitions processed in parallel; messages of one partition are always one at a time. */
  partitionsConsumedConcurrently?: number;
  consumerConfig?: Partial<Omit<ConsumerConfig, 'groupId'>>;
  /**
   * Test seam: runs after a message's effect (or a batch's) committed and before its offset commit;
   * killing the process here proves that a redelivery finds the inbox row and changes nothing.
   */
  beforeOffsetCommit?: (topic: string, partition: number, offset: string) => Promise<void> | void;
  /** Called when kafkajs gives up on the consumer for good; runService passes its crash(). */
  onFatalError?: (error: Error) => void;
}

type Outcome = 'processed' | 'duplicate' | 'dead-lettered';

class StopRequested extends Error {
  constructor() {
    super('Consumer is stopping; the message will be redelivered');
    this.name = 'StopRequested';
  }
}

export class IdempotentConsumer {
  private readonly consumer: Consumer;
  private readonly dlqProducer: Producer;
  private readonly logger: Logger;
  private readonly name: string;
  private readonly maxAttempts: number;
  private readonly initialBackoffMs: number;
  private readonly maxBatchSize: number;
  /** Every topic's one-message handler; a batch topic's is its batch handler called with one item. */
  private readonly handlers: Record<string, EventHandler>;
  private readonly batchHandlers: Record<string, BatchEventHandler>;
  private readonly stopping = new AbortController();
  private joined = false;
  private fatalError: Error | undefined;

  constructor(private readonly options: IdempotentConsumerOptions) {
    this.name = options.consumerName ?? options.groupId;
    this.maxAttempts = options.maxAttempts ?? CONSUMER_MAX_ATTEMPTS;
    this.initialBackoffMs = options.retryInitialBackoffMs ?? CONSUMER_RETRY_INITIAL_BACKOFF_MS;
    this.maxBatchSize = options.maxBatchSize ?? CONSUMER_DEFAULT_MAX_BATCH;
    this.batchHandlers = (options.batchHandlers ?? {}) as Record<string, BatchEventHandler>;
    this.handlers = { ...(options.handlers as Record<string, EventHandler>) };
    for (const [topic, batchHandler] of Object.entries(this.batchHandlers)) {
      this.handlers[topic] = (trx, event, context) => batchHandler(trx, [{ event, context }]);
    }
    this.logger = options.logger.child({ component: 'consumer', consumer: this.name });
    this.consumer = options.kafka.consumer({
      ...CONSUMER_DEFAULT_CONFIG,
      ...options.consumerConfig,
      groupId: options.groupId,
    });
    this.dlqProducer = createRelayProducer(options.kafka);
    const { GROUP_JOIN, CRASH, STOP } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, () => {
      this.joined = true;
    });
    this.consumer.on(STOP, () => {
      this.joined = false;
    });
    this.consumer.on(CRASH, ({ payload }) => {
      this.joined = false;
      if (payload.restart) return;
      this.fatalError = payload.error;
      this.logger.fatal({ err: payload.error }, 'Consumer crashed and will not restart');
      options.onFatalError?.(payload.error);
    });
  }

  async start(): Promise<void> {
    await this.dlqProducer.connect();
    await this.consumer.connect();
    const topics = Object.keys(this.handlers);
    await this.consumer.subscribe({ topics, fromBeginning: this.options.fromBeginning ?? true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.handleBatch(payload),
    });
    this.logger.info({ topics }, 'Consumer started');
  }

  /** For /readyz: rejects unless the consumer is in its group and has not died. */
  async readinessCheck(): Promise<void> {
    if (this.fatalError) throw new Error(`consumer ${this.name} crashed: ${this.fatalError.message}`);
    if (!this.joined) throw new Error(`consumer ${this.name} has not joined its group`);
    return Promise.resolve();
  }

  /** Stops fetching, waits for the message in flight (its retries are cut short), then disconnects. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.consumer.disconnect();
    await this.dlqProducer.disconnect();
    this.logger.info('Consumer stopped');
  }

  /**
   * One fetched batch of one partition, in offset order: runs of up to maxBatchSize messages on a batch
   * topic go through applyBatch, anything else one message at a time. Stops early (without resolving
   * what it did not process) when the consumer stops or the batch went stale in a rebalance.
   */
  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { topic, partition, messages } = payload.batch;
    const heartbeat = () => payload.heartbeat();
    const live = () => payload.isRunning() && !payload.isStale();
    const batchHandler = this.batchHandlers[topic];
    const step = batchHandler ? this.maxBatchSize : 1;
    for (let start = 0; start < messages.length && live(); start += step) {
      const chunk = messages.slice(start, start + step);
      if (
        !batchHandler ||
        chunk.length === 1 ||
        !(await this.applyBatch(topic, partition, chunk, heartbeat))
      ) {
        for (const message of chunk) {
          if (!live()) return;
          await this.handleMessage(topic, partition, message, heartbeat);
          payload.resolveOffset(message.offset);
          // On a batch topic a message applied alone (a run of one, or a failed run's fallback) is a run
          // of one, so the metric counts every message the topic's handler saw.
          if (batchHandler) this.options.metrics.consumerBatchSize.observe({ consumer: this.name, topic }, 1);
        }
      } else {
        payload.resolveOffset(chunk[chunk.length - 1]!.offset);
      }
      await heartbeat();
    }
  }

  /**
   * Applies a run of messages in one transaction and commits their offsets. Returns false (having
   * changed nothing) when they must go one at a time instead: one does not decode, or the batch
   * handler threw. An unreachable database or registry is waited out, as for one message.
   */
  private async applyBatch(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    heartbeat: () => Promise<void>,
  ): Promise<boolean> {
    const batchHandler = this.batchHandlers[topic]!;
    const { metrics } = this.options;
    const stopTimer = metrics.handlerDuration.startTimer({ consumer: this.name, topic });
    const items: { message: KafkaMessage; event: EventMessage }[] = [];
    for (const message of messages) {
      const event = await this.decode(message.value, heartbeat);
      if (event instanceof UndecodableMessageError) return false;
      items.push({ message, event });
    }
    let fresh: number;
    for (let transientFailures = 0; ;) {
      try {
        fresh = await this.options.knex.transaction(async (trx) => {
          const inserted = await trx(INBOX_TABLE)
            .insert(
              items.map(({ message, event }) => ({
                consumer_name: this.name,
                event_id: event.envelope.eventId,
                topic,
                partition,
                offset: message.offset,
              })),
            )
            .onConflict(['consumer_name', 'event_id'])
            .ignore()
            .returning('event_id');
          // The first copy of each event id new to the inbox; a replayed copy in the same run is a duplicate.
          const unseen = new Set(inserted.map((row: { event_id: string }) => row.event_id));
          const apply = items.filter(({ event }) => unseen.delete(event.envelope.eventId));
          if (apply.length > 0) {
            await batchHandler(
              trx,
              apply.map(({ message, event }) => ({
                event,
                context: {
                  topic,
                  partition,
                  offset: message.offset,
                  key: message.key?.toString('utf8') ?? null,
                  headers: message.headers,
                  attempt: 1,
                  logger: this.logger.child({
                    correlationId: event.envelope.correlationId,
                    eventId: event.envelope.eventId,
                  }),
                },
              })),
            );
          }
          return apply.length;
        });
        break;
      } catch (error) {
        if (isTransientDatabaseError(error)) {
          this.logger.warn({ err: error }, 'Database unavailable while handling a batch; waiting');
          await this.pause(this.backoffMs(transientFailures++), heartbeat);
          continue;
        }
        this.logger.warn(
          { err: error, topic, partition, size: items.length, firstOffset: messages[0]?.offset },
          'Batch failed; applying its messages one at a time',
        );
        return false;
      }
    }
    const last = messages[messages.length - 1]!;
    await this.options.beforeOffsetCommit?.(topic, partition, last.offset);
    await this.consumer.commitOffsets([{ topic, partition, offset: (BigInt(last.offset) + 1n).toString() }]);
    metrics.consumerProcessed.inc({ consumer: this.name, topic }, fresh);
    if (items.length > fresh)
      metrics.consumerDuplicates.inc({ consumer: this.name, topic }, items.length - fresh);
    metrics.consumerBatchSize.observe({ consumer: this.name, topic }, items.length);
    stopTimer({ outcome: 'batch' });
    return true;
  }

  private async handleMessage(
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    const { metrics } = this.options;
    const stopTimer = metrics.handlerDuration.startTimer({ consumer: this.name, topic });
    const deadLetter = async (reason: string, kind: string): Promise<Outcome> => {
      this.logger.error({ topic, partition, offset: message.offset, reason }, 'Message sent to the DLQ');
      await sendToDeadLetter(this.dlqProducer, {
        topic,
        partition,
        message,
        reason,
        consumerName: this.name,
      });
      metrics.consumerDeadLettered.inc({ consumer: this.name, topic, reason: kind });
      return 'dead-lettered';
    };

    let outcome: Outcome;
    const event = await this.decode(message.value, heartbeat);
    if (event instanceof UndecodableMessageError) {
      outcome = await deadLetter(`undecodable: ${event.message}`, 'undecodable');
    } else {
      const { envelope } = event;
      outcome = await withLogContext(
        {
          correlationId: envelope.correlationId,
          eventId: envelope.eventId,
          causationId: envelope.causationId ?? undefined,
          topic,
        },
        async () => {
          const failure = await this.apply(topic, partition, message, event, heartbeat);
          return typeof failure === 'string' ? failure : deadLetter(failure.reason, 'handler-failed');
        },
      );
    }

    // Only now, with the effect (or the dead letter) durable, may the group move past this message.
    await this.options.beforeOffsetCommit?.(topic, partition, message.offset);
    await this.consumer.commitOffsets([
      { topic, partition, offset: (BigInt(message.offset) + 1n).toString() },
    ]);
    if (outcome === 'processed') metrics.consumerProcessed.inc({ consumer: this.name, topic });
    if (outcome === 'duplicate') metrics.consumerDuplicates.inc({ consumer: this.name, topic });
    stopTimer({ outcome });
  }

  /** Returns the event, or the UndecodableMessageError that sends it to the DLQ; waits out registry outages. */
  private async decode(
    value: Buffer | null,
    heartbeat: () => Promise<void>,
  ): Promise<EventMessage | UndecodableMessageError> {
    for (let failures = 0; ; failures++) {
      try {
        return await this.options.codec.decode(value);
      } catch (error) {
        if (error instanceof UndecodableMessageError) return error;
        this.logger.warn({ err: error }, 'Schema registry unavailable while decoding; waiting');
        await this.pause(this.backoffMs(failures), heartbeat);
      }
    }
  }

  /** Inbox + handler in one transaction; returns the outcome, or why the message must be dead-lettered. */
  private async apply(
    topic: string,
    partition: number,
    message: KafkaMessage,
    event: EventMessage,
    heartbeat: () => Promise<void>,
  ): Promise<Outcome | { reason: string }> {
    const handler = this.handlers[topic];
    if (!handler) return { reason: `no handler for topic ${topic}` };
    let attempt = 1;
    for (let transientFailures = 0; ;) {
      try {
        const applied = await this.options.knex.transaction(async (trx) => {
          const inserted = await trx(INBOX_TABLE)
            .insert({
              consumer_name: this.name,
              event_id: event.envelope.eventId,
              topic,
              partition,
              offset: message.offset,
            })
            .onConflict(['consumer_name', 'event_id'])
            .ignore()
            .returning('event_id');
          if (inserted.length === 0) return false;
          await handler(trx, event, {
            topic,
            partition,
            offset: message.offset,
            key: message.key?.toString('utf8') ?? null,
            headers: message.headers,
            attempt,
            logger: this.logger,
          });
          return true;
        });
        return applied ? 'processed' : 'duplicate';
      } catch (error) {
        if (isTransientDatabaseError(error)) {
          this.logger.warn({ err: error }, 'Database unavailable while handling; waiting');
          await this.pause(this.backoffMs(transientFailures++), heartbeat);
          continue;
        }
        if (error instanceof PermanentEventError) {
          return { reason: `handler rejected it for good: ${describe(error)}` };
        }
        if (attempt >= this.maxAttempts) {
          return { reason: `handler failed after ${attempt} attempts: ${describe(error)}` };
        }
        this.logger.warn({ err: error, attempt }, 'Handler failed; retrying');
        await this.pause(this.backoffMs(attempt - 1), heartbeat);
        attempt++;
      }
    }
  }

  private backoffMs(failures: number): number {
    return Math.min(this.initialBackoffMs * 2 ** failures, CONSUMER_RETRY_MAX_BACKOFF_MS);
  }

  /** Sleeps between tries, keeping the group membership alive, and gives up at once on stop(). */
  private async pause(ms: number, heartbeat: () => Promise<void>): Promise<void> {
    if (this.stopping.signal.aborted) throw new StopRequested();
    try {
      await sleep(ms, undefined, { signal: this.stopping.signal });
    } catch {
      throw new StopRequested();
    }
    await heartbeat();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
