/**
 * Three steps, each named on the command line (none named: all three, in this order):
 *
 * - `topics`: creates every Kafka topic declared in schemas/<topic>.topic.json, plus its dead-letter topic
 *   <topic>.dlq;
 * - `acls`: grants each service's principal what the declarations say it produces and reads
 *   (scripts/contracts/kafka-acls.ts) and revokes what they no longer say;
 * - `schemas`: registers schemas/<topic>.avsc under the subject <topic>-value with BACKWARD_TRANSITIVE
 *   compatibility (docs/CONVENTIONS.md, "Events").
 *
 * Creates only what is missing, so it runs on every `scripts/stack.sh up`. A malformed declaration stops
 * it with the file's name.
 *
 * Settings: KAFKA_BROKERS, SCHEMA_REGISTRY_URL (defaults of docs/CONVENTIONS.md), and the admin principal:
 * KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME (default admin), KAFKA_SASL_PASSWORD(_FILE), KAFKA_SSL.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { ConfigError, configPieces, kafkaSecurityOf, kafkaSecurityShape, loadConfig } from '@dbay/platform';
import kafkajs, { Kafka, logLevel, type Admin } from 'kafkajs';
import { z } from 'zod';
import { aclKey, aclsOf, kafkaTypeName, principalsOf, type Acl } from './contracts/kafka-acls.js';
import {
  DLQ_SUFFIX,
  DeclarationError,
  readDeclarations,
  type DeclaredTopic,
} from './contracts/declarations.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ADMIN_TIMEOUT_MS = 30_000;

class ProvisioningError extends Error {}

// Node's named-export detection stops before these in kafkajs' CommonJS index; the default export has them.
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;

const ProvisionConfig = z.object({
  KAFKA_BROKERS: configPieces.kafkaBrokers,
  SCHEMA_REGISTRY_URL: configPieces.schemaRegistryUrl,
  ...kafkaSecurityShape('admin'),
});
type ProvisionConfig = z.output<typeof ProvisionConfig>;

async function withAdmin(config: ProvisionConfig, work: (admin: Admin) => Promise<void>): Promise<void> {
  const kafka = new Kafka({
    clientId: 'dbay-stack-provision',
    brokers: config.KAFKA_BROKERS,
    ...kafkaSecurityOf(config),
    logLevel: logLevel.WARN,
    requestTimeout: ADMIN_TIMEOUT_MS,
    retry: { retries: 8 },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await work(admin);
  } finally {
    await admin.disconnect();
  }
}

async function createMissingTopics(admin: Admin, declared: DeclaredTopic[]): Promise<void> {
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
}

const ACL_RESOURCE = { TOPIC: AclResourceTypes.TOPIC, GROUP: AclResourceTypes.GROUP } as const;
const ACL_PATTERN = {
  LITERAL: ResourcePatternTypes.LITERAL,
  PREFIXED: ResourcePatternTypes.PREFIXED,
} as const;
const ACL_OPERATION = { READ: AclOperationTypes.READ, WRITE: AclOperationTypes.WRITE } as const;

const toKafkaAcl = (acl: Acl) => ({
  principal: acl.principal,
  host: '*',
  resourceType: ACL_RESOURCE[acl.resource],
  resourceName: acl.name,
  resourcePatternType: ACL_PATTERN[acl.pattern],
  operation: ACL_OPERATION[acl.operation],
  permissionType: AclPermissionTypes.ALLOW,
});

/**
 * Makes the broker's ACLs for the declared principals equal to what the declarations imply: grants what is
 * missing, revokes what no declaration says any more (a service that stopped reading a topic loses it).
 * ACLs of other principals are left alone.
 */
async function applyAcls(admin: Admin, declared: DeclaredTopic[]): Promise<void> {
  const wanted = new Map(aclsOf(declared).map((acl) => [aclKey(acl), acl]));
  const owned = principalsOf(declared);
  const { resources } = await admin.describeAcls({
    resourceType: AclResourceTypes.ANY,
    resourcePatternType: ResourcePatternTypes.ANY,
    operation: AclOperationTypes.ANY,
    permissionType: AclPermissionTypes.ANY,
  });
  const present = new Set<string>();
  const stale = [];
  for (const resource of resources) {
    for (const entry of resource.acls) {
      if (!owned.has(entry.principal)) continue;
      const resourceName = kafkaTypeName(AclResourceTypes, resource.resourceType) as Acl['resource'];
      const pattern = kafkaTypeName(ResourcePatternTypes, resource.resourcePatternType) as Acl['pattern'];
      const operation = kafkaTypeName(AclOperationTypes, entry.operation) as Acl['operation'];
      const key = aclKey({
        principal: entry.principal,
        resource: resourceName,
        name: resource.resourceName,
        pattern,
        operation,
      });
      if (wanted.has(key) && entry.host === '*' && entry.permissionType === AclPermissionTypes.ALLOW) {
        present.add(key);
      } else {
        stale.push({
          principal: entry.principal,
          host: entry.host,
          resourceType: resource.resourceType,
          resourceName: resource.resourceName,
          resourcePatternType: resource.resourcePatternType,
          operation: entry.operation,
          permissionType: entry.permissionType,
        });
      }
    }
  }
  const missing = [...wanted].filter(([key]) => !present.has(key)).map(([, acl]) => toKafkaAcl(acl));
  if (missing.length > 0) await admin.createAcls({ acl: missing });
  if (stale.length > 0) await admin.deleteAcls({ filters: stale });
  console.log(
    `    ACLs for ${owned.size} principals: ${wanted.size} in place (${missing.length} granted, ${stale.length} revoked)`,
  );
}

async function registerSchemas(config: ProvisionConfig, declared: DeclaredTopic[]): Promise<void> {
  const host = config.SCHEMA_REGISTRY_URL;
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

const STEPS = ['topics', 'acls', 'schemas'] as const;
type Step = (typeof STEPS)[number];

async function main(): Promise<void> {
  const named = process.argv.slice(2);
  const unknown = named.filter((step) => !(STEPS as readonly string[]).includes(step));
  if (unknown.length > 0)
    throw new ProvisioningError(`unknown step ${unknown.join(', ')}; the steps: ${STEPS.join(', ')}`);
  const steps = new Set<Step>(named.length > 0 ? (named as Step[]) : STEPS);
  const config = loadConfig(ProvisionConfig);
  const declared = await readDeclarations(repoRoot);
  if (declared.length === 0) {
    console.log('    no topics declared in schemas/*.topic.json');
    return;
  }
  if (steps.has('topics') || steps.has('acls')) {
    await withAdmin(config, async (admin) => {
      if (steps.has('topics')) await createMissingTopics(admin, declared);
      if (steps.has('acls')) await applyAcls(admin, declared);
    });
  }
  if (steps.has('schemas')) await registerSchemas(config, declared);
  console.log(`    ${declared.length} topics: ${[...steps].join(', ')} in place`);
}

try {
  await main();
} catch (error) {
  const expected =
    error instanceof ProvisioningError || error instanceof DeclarationError || error instanceof ConfigError;
  console.error(expected ? error.message : error);
  process.exitCode = 1;
}
