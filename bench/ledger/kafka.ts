/**
 * The Kafka half of `npm run bench:ledger`: a throwaway single-node KRaft broker (the stack's own Kafka
 * jars, a temporary data dir, free ports), so the benchmark's thousands of commands never reach the
 * stack's broker and the stack's wallet; and the driver that plays the order service against the wallet
 * on it.
 *
 * The driver keeps BENCH_KAFKA_IN_FLIGHT pay-orders outstanding: it produces escrow.lock-requested
 * (Avro through the stack's schema registry, keyed by order id, as the order service does) and counts
 * one done when the wallet's answer (escrow.locked or escrow.lock-failed), published by its outbox
 * relay, comes back on the broker. Latency is request produced to answer consumed: the whole
 * asynchronous round trip an order service sees.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { buildEnvelope, createSchemaRegistry, EventCodec, type EventMessage } from '@dbay/platform';
import { TOPICS } from '@dbay/contracts';

const run = promisify(execFile);
const READY_TIMEOUT_MS = 90_000;
const PRODUCE_CHUNK = 100;

export interface ThrowawayKafka {
  brokers: string;
  stop(): Promise<void>;
}

/** Starts a broker + controller in one JVM on `ports`, formats its data dir, waits until it answers. */
export async function startThrowawayKafka(options: {
  libsDir: string;
  port: number;
  controllerPort: number;
}): Promise<ThrowawayKafka> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-kafka-'));
  const properties = path.join(dir, 'server.properties');
  await writeFile(
    properties,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${options.controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${options.port},CONTROLLER://127.0.0.1:${options.controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${options.port}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      `log.dirs=${path.join(dir, 'data')}`,
      'auto.create.topics.enable=false',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=10',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      'num.network.threads=2',
      'num.io.threads=4',
      '',
    ].join('\n'),
  );
  await writeFile(
    path.join(dir, 'log4j.properties'),
    'log4j.rootLogger=WARN, stdout\nlog4j.appender.stdout=org.apache.log4j.ConsoleAppender\n' +
      'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout\n' +
      'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n\n',
  );
  const java = [
    '-Xms256m', '-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${path.join(dir, 'log4j.properties')}`, '-cp', path.join(options.libsDir, '*'),
  ]; // prettier-ignore
  const clusterId = randomBytes(16).toString('base64url');
  await run('java', [...java, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', properties]);
  const log = createWriteStream(path.join(dir, 'kafka.log'));
  const broker: ChildProcess = spawn('java', [...java, 'kafka.Kafka', properties], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  broker.stdout?.pipe(log);
  broker.stderr?.pipe(log);
  const brokers = `127.0.0.1:${options.port}`;
  const stop = async () => {
    if (broker.exitCode === null) {
      const exited = new Promise((resolve) => broker.once('exit', resolve));
      broker.kill('SIGTERM');
      await exited;
    }
    log.end();
    await rm(dir, { recursive: true, force: true });
  };
  const admin = new Kafka({
    clientId: 'bench-ready',
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
  }).admin();
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (broker.exitCode !== null) {
      await stop();
      throw new Error(`the throwaway Kafka exited with ${broker.exitCode}`);
    }
    try {
      await admin.connect();
      await admin.describeCluster();
      await admin.disconnect();
      return { brokers, stop };
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error('the throwaway Kafka did not start in time');
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
}

export interface KafkaDriveResult {
  ops: number;
  failed: number;
  seconds: number;
  latenciesMs: number[];
}

/** Plays the order service: pay-orders over Kafka, answers read back from the wallet's events. */
export class OrderServiceDriver {
  private readonly kafka: Kafka;
  private readonly codec: EventCodec;
  private readonly producer: Producer;
  private readonly consumer: Consumer;
  /** Order id -> when its request was produced. */
  private readonly outstanding = new Map<string, number>();
  private onAnswer: (orderId: string, locked: boolean) => void = () => undefined;

  constructor(brokers: string, schemaRegistryUrl: string) {
    this.kafka = new Kafka({ clientId: 'bench-order', brokers: [brokers], logLevel: logLevel.WARN });
    this.codec = new EventCodec(createSchemaRegistry(schemaRegistryUrl));
    this.producer = this.kafka.producer({ allowAutoTopicCreation: false });
    this.consumer = this.kafka.consumer({ groupId: `bench-order-${randomUUID()}`, maxWaitTimeInMs: 20 });
  }

  async start(): Promise<void> {
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

  async stop(): Promise<void> {
    await this.consumer.disconnect();
    await this.producer.disconnect();
  }

  /**
   * Keeps `inFlight` pay-orders outstanding for `seconds`, then waits for what is still outstanding.
   * Counts what was answered inside the window; latencies of requests produced inside it.
   */
  async drive(
    seconds: number,
    inFlight: number,
    payOrder: (orderId: string) => Record<string, unknown>,
    record: boolean,
  ): Promise<KafkaDriveResult> {
    const latenciesMs: number[] = [];
    let ops = 0;
    let failed = 0;
    const started = performance.now();
    const end = started + seconds * 1000;
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
      }
      wake();
    };
    while (performance.now() < end) {
      const room = inFlight - this.outstanding.size;
      if (room <= 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 50);
        });
        continue;
      }
      const count = Math.min(room, PRODUCE_CHUNK);
      const orders = Array.from({ length: count }, () => randomUUID());
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
    const elapsed = (performance.now() - started) / 1000;
    // Drain, so the next measurement starts from an idle wallet.
    const drainDeadline = performance.now() + 60_000;
    while (this.outstanding.size > 0 && performance.now() < drainDeadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    this.outstanding.clear();
    return { ops, failed, seconds: elapsed, latenciesMs };
  }
}
