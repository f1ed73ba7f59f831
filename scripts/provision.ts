/**
 * Creates every Kafka topic declared in schemas/<topic>.topic.json, plus its dead-letter topic
 * <topic>.dlq, and registers schemas/<topic>.avsc under the subject <topic>-value with BACKWARD_TRANSITIVE
 * compatibility (docs/CONVENTIONS.md, "Events"). Creates only what is missing, so it runs on every
 * `scripts/stack.sh up`. A malformed declaration stops it with the file's name.
 *
 * Settings: KAFKA_BROKERS, SCHEMA_REGISTRY_URL (defaults of docs/CONVENTIONS.md).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { Kafka, logLevel } from 'kafkajs';
import {
  DLQ_SUFFIX,
  DeclarationError,
  readDeclarations,
  type DeclaredTopic,
} from './contracts/declarations.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ADMIN_TIMEOUT_MS = 30_000;

class ProvisioningError extends Error {}

async function createMissingTopics(declared: DeclaredTopic[]): Promise<void> {
  const kafka = new Kafka({
    clientId: 'dbay-stack-provision',
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    logLevel: logLevel.WARN,
    requestTimeout: ADMIN_TIMEOUT_MS,
    retry: { retries: 8 },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = declared.flatMap(({ topic, declaration }) => [
      {
        topic,
        numPartitions: declaration.partitions,
        replicationFactor: declaration.replicationFactor,
        configEntries: Object.entries(declaration.config).map(([name, value]) => ({
          name,
          value: String(value),
        })),
      },
      {
        topic: `${topic}${DLQ_SUFFIX}`,
        numPartitions: declaration.partitions,
        replicationFactor: declaration.replicationFactor,
        configEntries: [],
      },
    ]);
    const missing = wanted.filter(({ topic }) => !existing.has(topic));
    if (missing.length > 0) {
      await admin.createTopics({ topics: missing, waitForLeaders: true, timeout: ADMIN_TIMEOUT_MS });
    }
    for (const { topic } of missing) console.log(`    created topic ${topic}`);

    const present = wanted.filter(({ topic }) => existing.has(topic)).map(({ topic }) => topic);
    if (present.length > 0) {
      const metadata = await admin.fetchTopicMetadata({ topics: present });
      for (const { name, partitions } of metadata.topics) {
        const declaredPartitions = wanted.find(({ topic }) => topic === name)?.numPartitions;
        if (declaredPartitions !== partitions.length) {
          console.warn(
            `    warning: topic ${name} has ${partitions.length} partitions, its declaration says ${declaredPartitions}; ` +
              'left as it is (changing the count would move keys between partitions)',
          );
        }
      }
    }
  } finally {
    await admin.disconnect();
  }
}

async function registerSchemas(declared: DeclaredTopic[]): Promise<void> {
  const host = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
  const registry = new SchemaRegistry({ host });
  const compatibility = COMPATIBILITY.BACKWARD_TRANSITIVE;
  for (const { topic, schemaFile } of declared) {
    const subject = `${topic}-value`;
    let schema: string;
    try {
      schema = JSON.stringify(JSON.parse(await readFile(path.join(repoRoot, schemaFile), 'utf8')));
    } catch (error) {
      throw new ProvisioningError(`${schemaFile}: missing or not valid JSON (${(error as Error).message})`);
    }
    const register = () => registry.register({ type: SchemaType.AVRO, schema }, { subject, compatibility });
    try {
      let result;
      try {
        result = await register();
      } catch (error) {
        // A subject created by someone else with another compatibility level is brought in line first.
        if ((error as Error).name !== 'ConfluentSchemaRegistryCompatibilityError') throw error;
        await setSubjectCompatibility(host, subject, compatibility);
        result = await register();
      }
      console.log(`    schema ${subject} registered (id ${result.id}, ${compatibility})`);
    } catch (error) {
      throw new ProvisioningError(
        `${schemaFile}: the registry refused it as ${subject}: ${(error as Error).message}`,
      );
    }
  }
}

async function setSubjectCompatibility(host: string, subject: string, compatibility: string): Promise<void> {
  const response = await fetch(`${host}/config/${encodeURIComponent(subject)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ compatibility }),
  });
  if (!response.ok) throw new Error(`setting ${compatibility} on ${subject}: HTTP ${response.status}`);
}

async function main(): Promise<void> {
  const declared = await readDeclarations(repoRoot);
  if (declared.length === 0) {
    console.log('    no topics declared in schemas/*.topic.json');
    return;
  }
  await createMissingTopics(declared);
  await registerSchemas(declared);
  console.log(`    ${declared.length} topics (and their .dlq) and schemas are in place`);
}

try {
  await main();
} catch (error) {
  const expected = error instanceof ProvisioningError || error instanceof DeclarationError;
  console.error(expected ? error.message : error);
  process.exitCode = 1;
}
