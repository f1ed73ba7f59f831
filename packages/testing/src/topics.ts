/** Throwaway Kafka topics for tests that must not touch the declared ones (auto-creation is off). */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type ITopicConfig } from 'kafkajs';
import { stackEndpoints, stackKafkaSasl } from './stack-env.js';

const ADMIN_TIMEOUT_MS = 30_000;

export interface ThrowawayTopic {
  topic: string;
  /** Deletes the topic; call it in an after/afterEach hook. */
  remove(): Promise<void>;
}

function admin() {
  return new Kafka({
    clientId: 'dbay-testing',
    brokers: stackEndpoints().kafkaBrokers,
    ...stackKafkaSasl(),
    logLevel: logLevel.WARN,
  }).admin();
}

/** Creates `test.<prefix>.<random>` with the given partitions (default 1) and topic configs. */
export async function createThrowawayTopic({
  prefix = 'scratch',
  partitions = 1,
  config = {},
}: { prefix?: string; partitions?: number; config?: Record<string, string> } = {}): Promise<ThrowawayTopic> {
  const topic = `test.${prefix}.${randomUUID().slice(0, 8)}`;
  const spec: ITopicConfig = {
    topic,
    numPartitions: partitions,
    replicationFactor: 1,
    configEntries: Object.entries(config).map(([name, value]) => ({ name, value })),
  };
  const client = admin();
  await client.connect();
  try {
    await client.createTopics({ topics: [spec], waitForLeaders: true, timeout: ADMIN_TIMEOUT_MS });
  } finally {
    await client.disconnect();
  }
  return {
    topic,
    async remove() {
      const cleanup = admin();
      await cleanup.connect();
      try {
        await cleanup.deleteTopics({ topics: [topic], timeout: ADMIN_TIMEOUT_MS });
      } finally {
        await cleanup.disconnect();
      }
    },
  };
}
