/**
 * Renders docs/asyncapi.yaml: the AsyncAPI 3.0 document of every topic in schemas/, for the teams that
 * consume them. Per topic: a channel (address = topic name, the topic.json doc, partitions, replicas
 * and topic config as Kafka bindings), its message (the .avsc value schema inline, the key described
 * as a Kafka message binding, the correlation id's place in the envelope) and one operation per
 * producer (send) and per consumer (receive), tagged with the service's name.
 */
import { stringify } from 'yaml';
import { camelName, pascalName } from './names.js';
import type { ContractTopic } from './typescript.js';

export const ASYNCAPI_VERSION = '3.0.0';
export const AVRO_SCHEMA_FORMAT = 'application/vnd.apache.avro;version=1.9.0';
const KAFKA_BINDING_VERSION = '0.5.0';
/** Topic settings that AsyncAPI's Kafka channel binding types as integers (topic.json keeps them as text). */
const INTEGER_TOPIC_SETTINGS = new Set([
  'retention.ms',
  'retention.bytes',
  'delete.retention.ms',
  'max.message.bytes',
]);

const DESCRIPTION = `Every Kafka topic of DBay Wallet, generated from schemas/*.avsc and schemas/*.topic.json by
scripts/generate-contracts.ts (do not edit; run \`npm run contracts:generate\`).

Values are Avro in the schema registry's wire format (a zero byte, the 4-byte schema id, then the
Avro body), registered as subject \`<topic>-value\` with BACKWARD_TRANSITIVE compatibility. Every
value is a record of two fields: \`envelope\` (eventId, eventType = the topic name, occurredAt,
correlationId, causationId, producer) and \`payload\` (the event's own record). Amounts are integer
koinu as decimal strings, in fields named \`...Koinu\`. The Kafka key is the aggregate id as a UTF-8
string, named per message in its Kafka binding.

Consumers are idempotent on \`envelope.eventId\`. A message a consumer cannot decode or apply goes to
\`<topic>.dlq\` with its key and value unchanged and headers \`dlq-reason\`, \`dlq-original-topic\`,
\`dlq-original-partition\`, \`dlq-original-offset\` and \`dlq-consumer\`.`;

export function renderAsyncApi(topics: ContractTopic[]): string {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const contract of topics) {
    const id = camelName(contract.topic);
    channels[id] = channelOf(contract, id);
    messages[id] = messageOf(contract);
    const { producers, consumers } = contract.declaration;
    for (const [action, services] of [
      ['send', producers],
      ['receive', consumers],
    ] as const) {
      for (const service of services) {
        operations[`${camelName(service)}${pascalName(action)}${pascalName(contract.topic)}`] = {
          action,
          channel: { $ref: `#/channels/${id}` },
          messages: [{ $ref: `#/channels/${id}/messages/${id}` }],
          summary: `${service} ${action === 'send' ? 'produces' : 'consumes'} ${contract.topic}.`,
          tags: [{ name: service }],
        };
      }
    }
  }
  const document = {
    asyncapi: ASYNCAPI_VERSION,
    info: { title: 'DBay Wallet events', version: '1.0.0', description: DESCRIPTION },
    defaultContentType: 'application/octet-stream',
    servers: {
      local: {
        host: '127.0.0.1:9092',
        protocol: 'kafka',
        description:
          "The local stack's broker (KAFKA_BROKERS); its schema registry is Apicurio's Confluent-compatible API.",
        bindings: {
          kafka: {
            schemaRegistryUrl: 'http://127.0.0.1:8081/apis/ccompat/v7',
            schemaRegistryVendor: 'confluent',
            bindingVersion: KAFKA_BINDING_VERSION,
          },
        },
      },
    },
    channels,
    operations,
    components: { messages },
  };
  return stringify(document, { lineWidth: 0, aliasDuplicateObjects: false });
}

function channelOf({ topic, declaration }: ContractTopic, id: string) {
  return {
    address: topic,
    title: topic,
    description: declaration.doc,
    messages: { [id]: { $ref: `#/components/messages/${id}` } },
    bindings: {
      kafka: {
        partitions: declaration.partitions,
        replicas: declaration.replicationFactor,
        topicConfiguration: topicConfigurationOf(declaration.config),
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
  };
}

function messageOf({ topic, declaration, schema }: ContractTopic) {
  return {
    name: topic,
    title: topic,
    description: declaration.doc,
    correlationId: {
      description: 'Shared by every event of one user flow.',
      location: '$message.payload#/envelope/correlationId',
    },
    payload: { schemaFormat: AVRO_SCHEMA_FORMAT, schema },
    bindings: {
      kafka: {
        key: {
          type: 'string',
          description: `The payload's \`${declaration.key}\` (the aggregate id), UTF-8.`,
        },
        schemaIdLocation: 'payload',
        schemaIdPayloadEncoding: 'confluent',
        schemaLookupStrategy: 'TopicNameStrategy',
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
  };
}

/** topic.json's config in the binding's types: cleanup.policy as a list, sizes and times as integers. */
function topicConfigurationOf(config: Record<string, string | number | boolean>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([name, value]): [string, unknown] => {
      if (name === 'cleanup.policy') return [name, String(value).split(',')];
      if (INTEGER_TOPIC_SETTINGS.has(name)) return [name, Number(value)];
      return [name, value];
    }),
  );
}
