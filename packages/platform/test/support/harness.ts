// Integration-test harness: the running stack's endpoints, and throwaway resources on it (a Postgres
// schema with the platform tables, Kafka topics with their DLQ, a registry subject), each named with a
// random suffix and removed afterwards, so tests never touch a service's real schema or topic.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { stackKafkaSaslFor } from '@dbay/testing';
import type { Kafka, KafkaMessage } from 'kafkajs';
import type { Knex } from 'knex';
import knexFactory from 'knex';
import type { LevelWithSilent } from 'pino';
import type { Counter, Histogram } from 'prom-client';
import {
  createKafka,
  createKnex,
  createLogger,
  createPlatformTables,
  createSchemaRegistry,
  DEFAULT_KAFKA_BROKERS,
  DEFAULT_SCHEMA_REGISTRY_URL,
  dlqTopicOf,
  EventCodec,
  readTopicSchema,
  registerTopicSchema,
  subjectOf,
  type AvroRecordSchema,
} from '../../src/index.js';

export const endpoints = {
  brokers: (process.env.KAFKA_BROKERS ?? DEFAULT_KAFKA_BROKERS).split(','),
  registryUrl: process.env.SCHEMA_REGISTRY_URL ?? DEFAULT_SCHEMA_REGISTRY_URL,
  /** The superuser, so tests can create and drop their own schema. */
  adminDatabaseUrl: `postgres://postgres@${process.env.PGHOST ?? '127.0.0.1'}:${process.env.PGPORT ?? '5432'}/${process.env.DBAY_DB_NAME ?? 'dbay'}`,
};

/** Quick group joins and short retries, so a test waits seconds, not Kafka's production timeouts. */
export const FAST_CONSUMER_CONFIG = {
  sessionTimeout: 6_000,
  rebalanceTimeout: 6_000,
  heartbeatInterval: 500,
  maxWaitTimeInMs: 100,
  retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
};

export const suffix = (): string => randomBytes(4).toString('hex');

export const testLogger = (name = 'platform-test') =>
  createLogger({ service: name, level: (process.env.TEST_LOG_LEVEL ?? 'silent') as LevelWithSilent });

export interface TestPayload {
  n: string;
}

/** A throwaway schema with the outbox, the inbox and an `effects` table without any unique constraint. */
export async function createTestSchema(): Promise<{ schema: string; knex: Knex; drop: () => Promise<void> }> {
  const schema = `platform_test_${suffix()}`;
  const admin = knexFactory({
    client: 'pg',
    connection: endpoints.adminDatabaseUrl,
    pool: { min: 0, max: 1 },
  });
  await admin.raw('CREATE SCHEMA ??', [schema]);
  await createPlatformTables(admin, schema);
  // No unique key on purpose: an effect applied twice shows up as two rows.
  await admin.schema.withSchema(schema).createTable('effects', (table) => {
    table.bigIncrements('id');
    table.uuid('event_id').notNullable();
    table.text('n').notNullable();
  });
  await admin.destroy();
  const knex = createKnex({ connectionString: endpoints.adminDatabaseUrl, schema, poolMax: 5 });
  return {
    schema,
    knex,
    drop: async () => {
      await knex.raw('DROP SCHEMA ?? CASCADE', [schema]);
      await knex.destroy();
    },
  };
}

/** The test topic's value schema: the real envelope, and a payload with one string field. */
export async function testValueSchema(): Promise<AvroRecordSchema> {
  return {
    type: 'record',
    name: 'PlatformTestEvent',
    namespace: 'dbay.test',
    fields: [
      { name: 'envelope', type: await readTopicSchema('envelope') },
      {
        name: 'payload',
        type: { type: 'record', name: 'PlatformTestPayload', fields: [{ name: 'n', type: 'string' }] },
      },
    ],
  };
}

export const TEST_PARTITIONS = 3;

/** A topic and its DLQ on the real broker, and the topic's subject in the real registry. */
export async function createTestTopic(
  kafka: Kafka,
): Promise<{ topic: string; codec: EventCodec; schemaId: number; remove: () => Promise<void> }> {
  const topic = `platform-test.${suffix()}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [topic, dlqTopicOf(topic)].map((name) => ({
      topic: name,
      numPartitions: TEST_PARTITIONS,
      replicationFactor: 1,
    })),
  });
  await admin.disconnect();
  const registry = createSchemaRegistry(endpoints.registryUrl);
  const schemaId = await registerTopicSchema(registry, topic, await testValueSchema());
  return {
    topic,
    codec: new EventCodec(registry),
    schemaId,
    remove: async () => {
      const cleanup = kafka.admin();
      await cleanup.connect();
      await cleanup.deleteTopics({ topics: [topic, dlqTopicOf(topic)] });
      await cleanup.disconnect();
      const subject = `${endpoints.registryUrl}/subjects/${encodeURIComponent(subjectOf(topic))}`;
      await fetch(subject, { method: 'DELETE' });
      await fetch(`${subject}?permanent=true`, { method: 'DELETE' });
    },
  };
}

export function testKafka(name = 'platform-test'): Kafka {
  return createKafka({
    clientId: `${name}-${suffix()}`,
    brokers: endpoints.brokers,
    logger: testLogger(),
    security: stackKafkaSaslFor(endpoints.brokers),
  });
}

export type ReadMessage = KafkaMessage & { partition: number };

/** Every message of a topic, from the low to the high watermark of each partition at the time of the call. */
export async function readTopic(kafka: Kafka, topic: string, timeoutMs = 20_000): Promise<ReadMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Map(
    offsets
      .filter(({ high, low }) => BigInt(high) > BigInt(low))
      .map(({ partition, high }) => [partition, BigInt(high)]),
  );
  const messages: ReadMessage[] = [];
  if (remaining.size === 0) return messages;
  const consumer = kafka.consumer({ groupId: `reader-${suffix()}`, ...FAST_CONSUMER_CONFIG });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const high = remaining.get(partition);
      if (high === undefined || BigInt(message.offset) >= high) return;
      messages.push({ ...message, partition });
      if (BigInt(message.offset) + 1n >= high) remaining.delete(partition);
      if (remaining.size === 0) done();
      return Promise.resolve();
    },
  });
  const timer = new AbortController();
  const timeout = sleep(timeoutMs, undefined, { signal: timer.signal }).then(() => {
    throw new Error(`reading ${topic} timed out`);
  });
  timeout.catch(() => undefined);
  try {
    await Promise.race([finished, timeout]);
  } finally {
    timer.abort();
    await consumer.disconnect();
  }
  return messages.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}

export async function waitFor(
  what: string,
  condition: () => Promise<boolean> | boolean,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

export async function total(counter: Counter<string>): Promise<number> {
  return (await counter.get()).values.reduce((sum, { value }) => sum + value, 0);
}

/** A histogram's observation count and sum, over all its label sets. */
export async function observed(histogram: Histogram<string>): Promise<{ count: number; sum: number }> {
  const { values } = await histogram.get();
  const of = (suffix: string) =>
    values.filter((v) => v.metricName?.endsWith(suffix)).reduce((sum, { value }) => sum + value, 0);
  return { count: of('_count'), sum: of('_sum') };
}

export async function effectsOf(knex: Knex): Promise<Array<{ event_id: string; n: string }>> {
  return knex('effects').select('event_id', 'n').orderBy('id');
}
