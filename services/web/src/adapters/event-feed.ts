/**
 * The web's one Kafka consumer: it reads the topics the page is nudged about and hands each decoded
 * event to `onEvent`. It is a fan-out listener, not an idempotent consumer: it changes nothing, so it
 * keeps no inbox, commits no offsets and dead-letters nothing (the owning services do that).
 *
 * Group: one per process (`web-<host>-<pid>-<random>`), starting at the latest offsets, so every
 * replica sees every event (each serves its own connected browsers) and a restart does not replay
 * history. A group that never commits an offset is forgotten by the broker once its member leaves.
 * A message that does not decode, or does not fit its topic's contract, is logged and skipped: a lost
 * nudge costs a refetch the page does anyway when it reconnects, never money.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { CONSUMER_DEFAULT_CONFIG, type EventCodec } from '@dbay/platform';
import { decodePayload, type Topic } from '@dbay/contracts';

export interface EventFeedOptions {
  kafka: Kafka;
  codec: EventCodec;
  logger: Logger;
  topics: readonly Topic[];
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  onEvent: (topic: Topic, payload: Readonly<Record<string, unknown>>) => void;
  /** kafkajs gave up on the consumer for good: runService's crash(), so the process restarts. */
  onFatalError: (error: Error) => void;
}

/** A group id of this process alone (the host names the pod; pid and random tell restarts apart). */
export function feedGroupId(): string {
  return `web-${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

export class EventFeed {
  private readonly consumer: Consumer;
  private readonly logger: Logger;
  private joined = false;
  private fatalError: Error | undefined;

  constructor(private readonly options: EventFeedOptions) {
    this.logger = options.logger.child({ component: 'event-feed' });
    this.consumer = options.kafka.consumer({
      ...CONSUMER_DEFAULT_CONFIG,
      groupId: feedGroupId(),
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: options.heartbeatIntervalMs,
    });
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
      options.onFatalError(payload.error);
    });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.options.topics], fromBeginning: false });
    await this.consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, message }) => this.handle(topic as Topic, message.value),
    });
    this.logger.info({ topics: this.options.topics.length }, 'Event feed started');
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }

  /** For /readyz: rejects unless the feed is in its group. */
  readinessCheck(): Promise<void> {
    if (this.fatalError) return Promise.reject(new Error(`event feed crashed: ${this.fatalError.message}`));
    if (!this.joined) return Promise.reject(new Error('event feed has not joined its group'));
    return Promise.resolve();
  }

  private async handle(topic: Topic, value: Buffer | null): Promise<void> {
    let payload: Readonly<Record<string, unknown>>;
    try {
      const event = await this.options.codec.decode(value);
      payload = decodePayload(topic, event.payload);
    } catch (error) {
      this.logger.warn({ err: error, topic }, 'Event skipped: it does not decode');
      return;
    }
    this.options.onEvent(topic, payload);
  }
}
