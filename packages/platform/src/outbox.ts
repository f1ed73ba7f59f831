// Writing side of the transactional outbox: an event is a row inserted in the same knex transaction
// as the state change it announces, so it exists if and only if that change committed. The relay
// (outbox-relay.ts) publishes it later.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { OUTBOX_TABLE } from './migrations.js';

export interface NewOutboxEvent {
  /** The topic, which is also the envelope's eventType. */
  topic: string;
  /** The aggregate id (user, order, withdrawal); Kafka keeps one key's events in one partition. */
  key: string;
  /** The topic's payload record. JSON-serialisable: money as strings, never bigint or number. */
  payload: Record<string, unknown>;
  correlationId: string;
  causationId?: string | null;
}

export interface OutboxRow {
  id: string;
  event_id: string;
  topic: string;
  message_key: string;
  payload: Record<string, unknown>;
  correlation_id: string;
  causation_id: string | null;
  occurred_at: Date;
}

/**
 * Inserts the event into the outbox of the transaction's schema (its search_path) and returns the
 * event id. Refuses to run outside a transaction: a row written on its own could commit while the
 * state change it describes rolls back, which is the very bug the outbox exists to prevent.
 */
export async function enqueueEvent(trx: Knex.Transaction, event: NewOutboxEvent): Promise<string> {
  const [eventId] = await enqueueEvents(trx, [event]);
  return eventId!;
}

/**
 * Inserts several events of one state change with one statement, in their order (the relay publishes
 * in outbox order), and returns their event ids. The same rules as enqueueEvent.
 */
export async function enqueueEvents(
  trx: Knex.Transaction,
  events: readonly NewOutboxEvent[],
): Promise<string[]> {
  if (!trx.isTransaction)
    throw new Error('enqueueEvent must run inside the knex transaction of the state change');
  if (events.length === 0) return [];
  const occurredAt = new Date();
  const rows = events.map((event) => ({
    event_id: randomUUID(),
    topic: event.topic,
    message_key: event.key,
    // Stringified here so that a bigint fails loudly now rather than at publication.
    payload: JSON.stringify(event.payload),
    correlation_id: event.correlationId,
    causation_id: event.causationId ?? null,
    occurred_at: occurredAt,
  }));
  await trx(OUTBOX_TABLE).insert(rows);
  return rows.map((row) => row.event_id);
}
