// The envelope every DBay event carries (CONVENTIONS.md, schemas/envelope.avsc). Building it lives here
// so that ids, times and causation are filled the same way by every producer; checking it lives here
// so a consumer can trust eventId before it uses it as the inbox key.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

export interface Envelope {
  eventId: string;
  /** The topic name, e.g. `deposit.confirmed`. */
  eventType: string;
  /** ISO-8601 UTC. */
  occurredAt: string;
  correlationId: string;
  causationId: string | null;
  producer: string;
}

/** The Avro value of every topic: `{ envelope, payload }`. */
export interface EventMessage<Payload = unknown> {
  envelope: Envelope;
  payload: Payload;
}

export interface NewEnvelope {
  eventType: string;
  correlationId: string;
  causationId?: string | null;
  producer: string;
  eventId?: string;
  occurredAt?: Date;
}

export function buildEnvelope({
  eventType,
  correlationId,
  causationId = null,
  producer,
  eventId = randomUUID(),
  occurredAt = new Date(),
}: NewEnvelope): Envelope {
  return { eventId, eventType, occurredAt: occurredAt.toISOString(), correlationId, causationId, producer };
}

/** The correlation and causation for an event caused by `event`: same flow, caused by this event id. */
export function causedBy(event: EventMessage): { correlationId: string; causationId: string } {
  return { correlationId: event.envelope.correlationId, causationId: event.envelope.eventId };
}

const envelopeSchema = z.object({
  // Any 8-4-4-4-12 hex id, not only v4: the inbox column is a Postgres uuid, which accepts them all.
  eventId: z.guid(),
  eventType: z.string().min(1),
  occurredAt: z.string().min(1),
  correlationId: z.string().min(1),
  causationId: z.string().nullable(),
  producer: z.string().min(1),
});

const eventMessageSchema = z.object({ envelope: envelopeSchema, payload: z.unknown() });

/** Returns the value as an EventMessage, or a reason why it is not one. */
export function checkEventMessage(
  value: unknown,
): { ok: true; event: EventMessage } | { ok: false; reason: string } {
  const result = eventMessageSchema.safeParse(value);
  if (result.success) return { ok: true, event: result.data };
  return {
    ok: false,
    reason: result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
  };
}
