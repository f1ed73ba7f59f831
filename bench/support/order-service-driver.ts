/**
 * Plays the order service against the wallet over Kafka: keeps `inFlight` pay-orders outstanding by
 * producing escrow.lock-requested (Avro through the stack's schema registry, keyed by order id, as the
 * order service does) and counts one done when the wallet's answer (escrow.locked or escrow.lock-failed),
 * published by its outbox relay, comes back on the broker. Latency is request produced to answer
 * consumed: the whole asynchronous round trip an order service sees. Answers about orders it did not
 * make (the real order service's, on the same broker) are ignored.
 */
import { TOPICS } from '@dbay/contracts';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { buildEnvelope, createSchemaRegistry, EventCodec, type EventMessage } from '@dbay/platform';

const PRODUCE_CHUNK = 100;
const WAKE_POLL_MS = 50;
const DRAIN_POLL_MS = 20;
/** What is still unanswered this long after the last request is given up on (and counted). */
export const DRAIN_TIMEOUT_MS = 60_000;

export interface KafkaDriveResult {
  /** Locked (escrow.locked) answers counted. */
  ops: number;
  /** Refused (escrow.lock-failed) answers counted. */
  failed: number;
  /** Requests without an answer DRAIN_TIMEOUT_MS after the last one was produced. */
  unanswered: number;
  seconds: number;
  latenciesMs: number[];
}

/**
 * How long a drive runs. `seconds`: requests produced for that long, answers counted inside it, and
 * the time is the window's. `orders`: exactly that many requests, every answer counted, and the time
 * runs to the last answer.
 */
export type DriveWindow = { seconds: number } | { orders: number };

export type PayOrder = (orderId: string) => Record<string, unknown>;

export class OrderServiceDriver {
  private readonly kafka: Kafka;
  private readonly codec: EventCodec;
  private readonly producer: Producer;
  private readonly consumer: Consumer;
  /** Order id -> when its request was produced. */
  private readonly outstanding = new Map<string, number>();
  private onAnswer: (orderId: string, locked: boolean) => void = () => undefined;
  private running = false;

  constructor(brokers: string, schemaRegistryUrl: string) {
    this.kafka = new Kafka({ clientId: 'bench-order', brokers: [brokers], logLevel: logLevel.WARN });
    this.codec = new EventCodec(createSchemaRegistry(schemaRegistryUrl));
    this.producer = this.kafka.producer({ allowAutoTopicCreation: false });
    this.consumer = this.kafka.consumer({ groupId: `bench-order-${randomUUID()}`, maxWaitTimeInMs: 20 });
  }

  async start(): Promise<void> {
    this.running = true;
    await this.producer.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: [TOPICS.escrowLocked, TOPICS.escrowLockFailed],
      fromBeginning: false,
    });
    let assigned!: () => void;
    const ready = new Promise<void>((resolve) => (assigned = resolve));
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => assigned());
    await this.consumer.run({
      eachMessage: async ({ topic, message }) => {
        const orderId = message.key?.toString('utf8');
        if (orderId) this.onAnswer(orderId, topic === TOPICS.escrowLocked);
        return Promise.resolve();
      },
    });
    await ready;
  }

  /** Disconnects; safe to call more than once, and after a failed start. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.consumer.disconnect();
    await this.producer.disconnect();
  }

  /**
   * Keeps `inFlight` pay-orders outstanding over `window`, then waits for what is still outstanding.
   * Latencies are recorded (when `record`) for every answer that is counted.
   */
  async drive(
    window: DriveWindow,
    inFlight: number,
    payOrder: PayOrder,
    record: boolean,
  ): Promise<KafkaDriveResult> {
    const latenciesMs: number[] = [];
    let ops = 0;
    let failed = 0;
    let produced = 0;
    let lastAnswerAt = 0;
    const started = performance.now();
    const end = 'seconds' in window ? started + window.seconds * 1000 : Infinity;
    const toProduce = 'orders' in window ? window.orders : Infinity;
    let wake: () => void = () => undefined;
    this.onAnswer = (orderId, locked) => {
      const sent = this.outstanding.get(orderId);
      if (sent === undefined) return;
      this.outstanding.delete(orderId);
      const now = performance.now();
      if (now <= end) {
        if (locked) ops += 1;
        else failed += 1;
        if (record) latenciesMs.push(now - sent);
        lastAnswerAt = now;
      }
      wake();
    };
    while (performance.now() < end && produced < toProduce) {
      const room = inFlight - this.outstanding.size;
      if (room <= 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, WAKE_POLL_MS);
        });
        continue;
      }
      const orders = Array.from({ length: Math.min(room, PRODUCE_CHUNK, toProduce - produced) }, () =>
        randomUUID(),
      );
      produced += orders.length;
      await this.send(orders, payOrder);
    }
    const windowSeconds = (performance.now() - started) / 1000;
    // Drain, so the next measurement starts from an idle wallet.
    const drainDeadline = performance.now() + DRAIN_TIMEOUT_MS;
    while (this.outstanding.size > 0 && performance.now() < drainDeadline) {
      await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
    }
    const unanswered = this.outstanding.size;
    this.outstanding.clear();
    const seconds =
      'seconds' in window || lastAnswerAt === 0 ? windowSeconds : (lastAnswerAt - started) / 1000;
    return { ops, failed, unanswered, seconds, latenciesMs };
  }

  private async send(orders: string[], payOrder: PayOrder): Promise<void> {
    const messages = await Promise.all(
      orders.map(async (orderId) => {
        const event: EventMessage = {
          envelope: buildEnvelope({
            eventType: TOPICS.escrowLockRequested,
            correlationId: orderId,
            producer: 'order',
          }),
          payload: { idempotencyKey: `order:${orderId}:pay`, ...payOrder(orderId) },
        };
        return { key: orderId, value: await this.codec.encode(TOPICS.escrowLockRequested, event) };
      }),
    );
    const sentAt = performance.now();
    for (const orderId of orders) this.outstanding.set(orderId, sentAt);
    await this.producer.send({ topic: TOPICS.escrowLockRequested, acks: -1, messages });
  }
}
