/**
 * Bulk version of @dbay/platform's enqueueEvent: one INSERT for all events of a batch, into the same
 * outbox table with the same columns, so the platform's OutboxRelay publishes them unchanged. The
 * platform only offers one INSERT per event, which would cost a round trip per event inside the
 * group-commit transaction; this lives here (not in packages/platform, which the wallet does not edit).
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { OUTBOX_TABLE } from '@dbay/platform';
import type { DomainEvent } from '../domain/index.js';
import type { WriteBatch } from './ledger-store.js';

export type OutgoingEvent = DomainEvent & {
  correlationId: string;
  causationId: string | null;
};

const INSERT_OUTBOX = `INSERT INTO ?? (event_id, topic, message_key, payload, correlation_id, causation_id, occurred_at)
     SELECT event_id, topic, message_key, payload, correlation_id, causation_id, occurred_at
     FROM jsonb_to_recordset(?::jsonb) AS x(event_id uuid, topic text, message_key text, payload jsonb,
       correlation_id text, causation_id text, occurred_at timestamptz)`;

function outboxRecords(events: OutgoingEvent[], occurredAt: Date) {
  return events.map((event) => ({
    event_id: randomUUID(),
    topic: event.topic,
    message_key: event.key,
    payload: event.payload,
    correlation_id: event.correlationId,
    causation_id: event.causationId,
    occurred_at: occurredAt.toISOString(),
  }));
}

export async function enqueueEvents(
  trx: Knex.Transaction,
  events: OutgoingEvent[],
  occurredAt: Date,
): Promise<string[]> {
  if (events.length === 0) return [];
  if (!trx.isTransaction)
    throw new Error('enqueueEvents must run inside the transaction of the state change');
  const records = outboxRecords(events, occurredAt);
  await trx.raw(INSERT_OUTBOX, [OUTBOX_TABLE, JSON.stringify(records)]);
  return records.map((record) => record.event_id);
}

/** The same INSERT, added to a batch's single write statement (run in the batch's transaction). */
export function addEvents(batch: WriteBatch, events: OutgoingEvent[], occurredAt: Date): void {
  if (events.length === 0) return;
  batch.add({
    what: 'outbox events',
    expected: events.length,
    sql: INSERT_OUTBOX,
    bindings: [OUTBOX_TABLE, JSON.stringify(outboxRecords(events, occurredAt))],
  });
}
