// Avro encoding through the schema registry. A topic's value schema is `schemas/<topic>.avsc`,
// registered as subject `<topic>-value`; producers encode with that subject's latest id, consumers
// decode whatever id the message names (the registry keeps every version). Decoding failures are
// split in two on purpose: bytes that can never decode (UndecodableMessageError) go to the DLQ at
// once, while a registry that does not answer is an outage the consumer must wait out.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { checkEventMessage, type EventMessage } from './envelope.js';

/** The repository's schemas/ folder, resolved from this file so it works from any working directory. */
export const SCHEMAS_DIR = fileURLToPath(new URL('../../../schemas/', import.meta.url));

export const SCHEMA_REGISTRY_RETRY = {
  retries: 3,
  initialRetryTimeInSecs: 0.1,
  maxRetryTimeInSecs: 2,
  factor: 0.2,
  multiplier: 2,
} as const;

const CONFLUENT_MAGIC_BYTE = 0;
const CONFLUENT_HEADER_BYTES = 5;

export function subjectOf(topic: string): string {
  return `${topic}-value`;
}

export interface AvroRecordSchema {
  type: 'record';
  name: string;
  namespace?: string;
  fields: Array<{ name: string; type: unknown; [key: string]: unknown }>;
  [key: string]: unknown;
}

export async function readTopicSchema(
  topic: string,
  directory: string = SCHEMAS_DIR,
): Promise<AvroRecordSchema> {
  return JSON.parse(await readFile(join(directory, `${topic}.avsc`), 'utf8')) as AvroRecordSchema;
}

export function createSchemaRegistry(url: string): SchemaRegistry {
  return new SchemaRegistry({ host: url, retry: SCHEMA_REGISTRY_RETRY });
}

/** Registers `schema` under `<topic>-value` (BACKWARD_TRANSITIVE on first registration); returns its id. */
export async function registerTopicSchema(
  registry: SchemaRegistry,
  topic: string,
  schema: AvroRecordSchema,
): Promise<number> {
  const { id } = await registry.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
    { subject: subjectOf(topic), compatibility: COMPATIBILITY.BACKWARD_TRANSITIVE },
  );
  return id;
}

/** The message can never be decoded: wrong framing, unknown schema id, bytes that do not match, no envelope. */
export class UndecodableMessageError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'UndecodableMessageError';
  }
}

export class EventCodec {
  private readonly latestIds = new Map<string, Promise<number>>();

  constructor(private readonly registry: SchemaRegistry) {}

  /**
   * Encodes with the latest schema id of the topic's subject, looked up once per process and cached:
   * a new schema version reaches producers when they restart, which is what a rolling deploy does.
   * Throws ConfluentSchemaRegistryValidationError when the value does not fit the schema.
   */
  async encode(topic: string, event: EventMessage): Promise<Buffer> {
    return this.registry.encode(await this.latestId(topic), event);
  }

  /** Decodes a message value; rejects with UndecodableMessageError for bytes that will never decode. */
  async decode(value: Buffer | null): Promise<EventMessage> {
    if (value === null || value.length <= CONFLUENT_HEADER_BYTES) {
      throw new UndecodableMessageError('value is empty or shorter than the Confluent wire header');
    }
    if (value[0] !== CONFLUENT_MAGIC_BYTE) {
      throw new UndecodableMessageError(
        `value does not start with the Confluent magic byte 0 (got ${value[0]})`,
      );
    }
    const schemaId = value.readInt32BE(1);
    try {
      await this.registry.getSchema(schemaId);
    } catch (error) {
      if (statusOf(error) === 404)
        throw new UndecodableMessageError(`schema id ${schemaId} is not in the registry`);
      throw error; // The registry is unreachable or failing: transient, not the message's fault.
    }
    let decoded: unknown;
    try {
      // The writer schema is cached by now, so any failure here comes from the bytes themselves.
      decoded = await this.registry.decode(value);
    } catch (error) {
      throw new UndecodableMessageError(
        `value is not valid Avro for schema id ${schemaId}: ${messageOf(error)}`,
      );
    }
    const checked = checkEventMessage(decoded);
    if (!checked.ok) throw new UndecodableMessageError(`value has no valid envelope: ${checked.reason}`);
    return checked.event;
  }

  private latestId(topic: string): Promise<number> {
    let id = this.latestIds.get(topic);
    if (!id) {
      id = this.registry.getLatestSchemaId(subjectOf(topic));
      // A failed lookup (registry down, subject missing) must not stay cached.
      void id.catch(() => this.latestIds.delete(topic));
      this.latestIds.set(topic, id);
    }
    return id;
  }
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
