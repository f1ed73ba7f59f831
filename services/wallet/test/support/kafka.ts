/**
 * Talks to the wallet under test over its broker (support/sandbox.ts) the way other services do: Avro values through the schema
 * registry with the shared envelope, keyed by the aggregate id. `consumed` waits until the wallet's
 * consumer group has committed past a message, i.e. the wallet has applied it (or dead-lettered it),
 * so a test can then assert that a redelivery changed nothing.
 */
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, Producer } from 'kafkajs';
import {
  ACKS_ALL,
  EventCodec,
  buildEnvelope,
  createRelayProducer,
  createKafka,
  createSchemaRegistry,
  dlqTopicOf,
  DLQ_HEADER,
  type EventMessage,
} from '@dbay/platform';
import { kcat, waitFor } from '@dbay/testing';
import { silentLogger, stack, WALLET_KAFKA_BROKERS } from './stack.js';

/** The wallet's consumer group (its service name). */
export const WALLET_GROUP_ID = 'wallet';
const CONSUMED_TIMEOUT_MS = 90_000;

export interface Sent {
  topic: string;
  partition: number;
  offset: number;
}

export class WalletBus {
  private readonly kafka: Kafka;
  private readonly codec = new EventCodec(createSchemaRegistry(stack.schemaRegistryUrl));
  private readonly producer: Producer;
  private readonly admin: Admin;

  constructor() {
    this.kafka = createKafka({
      clientId: `wallet-test-${randomUUID()}`,
      brokers: WALLET_KAFKA_BROKERS,
      logger: silentLogger,
    });
    this.producer = createRelayProducer(this.kafka);
    this.admin = this.kafka.admin();
  }

  async connect(): Promise<void> {
    await Promise.all([this.producer.connect(), this.admin.connect()]);
  }

  async close(): Promise<void> {
    await Promise.all([this.producer.disconnect(), this.admin.disconnect()]);
  }

  /** A new event as `producer` would emit it: fresh event id unless one is given. */
  event(topic: string, producer: string, payload: Record<string, unknown>, eventId?: string): EventMessage {
    return {
      envelope: buildEnvelope({ eventType: topic, correlationId: randomUUID(), producer, eventId }),
      payload,
    };
  }

  async send(topic: string, key: string, event: EventMessage): Promise<Sent> {
    const [metadata] = await this.producer.send({
      topic,
      acks: ACKS_ALL,
      messages: [{ key, value: await this.codec.encode(topic, event) }],
    });
    if (!metadata) throw new Error(`no metadata for the send to ${topic}`);
    return { topic, partition: metadata.partition, offset: Number(metadata.baseOffset) };
  }

  /**
   * Many messages in ONE produce request, as a burst from the order service: each partition gets its
   * share at once, so the wallet fetches it as one run. Returns the last message sent per partition.
   */
  async sendBurst(topic: string, messages: { key: string; event: EventMessage }[]): Promise<Sent[]> {
    const values = await Promise.all(messages.map(({ event }) => this.codec.encode(topic, event)));
    const metadata = await this.producer.send({
      topic,
      acks: ACKS_ALL,
      messages: messages.map(({ key }, index) => ({ key, value: values[index]! })),
    });
    // baseOffset is the first of the partition's share; its last is the end offset minus one.
    const ends = await this.admin.fetchTopicOffsets(topic);
    return metadata.map(({ partition }) => ({
      topic,
      partition,
      offset: Number(ends.find((end) => end.partition === partition)!.high) - 1,
    }));
  }

  /** Resolves once the wallet's group committed an offset past `sent`. */
  async consumed(sent: Sent): Promise<void> {
    await waitFor(
      async () => {
        const [offsets] = await this.admin.fetchOffsets({ groupId: WALLET_GROUP_ID, topics: [sent.topic] });
        const committed = offsets?.partitions.find((p) => p.partition === sent.partition)?.offset;
        return committed !== undefined && Number(committed) > sent.offset;
      },
      {
        timeoutMs: CONSUMED_TIMEOUT_MS,
        intervalMs: 100,
        description: `the wallet to consume ${sent.topic} offset ${sent.offset}`,
      },
    );
  }

  async sendAndWait(topic: string, key: string, event: EventMessage): Promise<Sent> {
    const sent = await this.send(topic, key, event);
    await this.consumed(sent);
    return sent;
  }

  /** End offsets of a topic's DLQ, per partition, to read only what arrives after. */
  async dlqMarks(topic: string): Promise<Map<number, number>> {
    const offsets = await this.admin.fetchTopicOffsets(dlqTopicOf(topic));
    return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
  }

  /** The dead-letter reasons that arrived on the topic's DLQ for `key` since `marks`. */
  async deadLetters(topic: string, key: string, marks: Map<number, number>): Promise<string[]> {
    const reasons: string[] = [];
    for (const [partition, high] of await this.dlqMarks(topic)) {
      const from = marks.get(partition) ?? 0;
      if (high <= from) continue;
      const output = await kcat([
        '-C', '-e', '-q', '-t', dlqTopicOf(topic), '-p', String(partition), '-o', String(from), '-c', String(high - from),
        '-f', `%k\t%h\n`,
      ], WALLET_KAFKA_BROKERS); // prettier-ignore
      for (const line of output.toString('utf8').split('\n')) {
        const [lineKey, headers = ''] = line.split('\t');
        if (lineKey !== key) continue;
        const reason = headers.split(',').find((h) => h.startsWith(`${DLQ_HEADER.reason}=`));
        reasons.push(reason ? reason.slice(DLQ_HEADER.reason.length + 1) : '');
      }
    }
    return reasons;
  }
}
