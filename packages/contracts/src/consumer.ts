/**
 * The consuming side: handler maps for the platform's IdempotentConsumer whose handlers receive the
 * decoded, typed payload of their topic. The payload is decoded before the handler runs, inside the
 * inbox transaction; one that does not fit its schema throws PayloadContractError, a
 * PermanentEventError, so it is dead-lettered at once with the fields that do not fit as the reason.
 */
import type { BatchEventHandler, EventHandler, EventMessage } from '@dbay/platform';
import { PAYLOAD_DECODERS } from './generated/decoders.js';
import type { TopicPayload } from './generated/payloads.js';
import type { Topic } from './generated/topics.js';

/** A handler per topic, each typed by its topic's payload. */
export type TopicHandlers<T extends Topic = Topic> = { [K in T]?: EventHandler<TopicPayload<K>> };

/** A batch handler per topic, each typed by its topic's payload. */
export type TopicBatchHandlers<T extends Topic = Topic> = { [K in T]?: BatchEventHandler<TopicPayload<K>> };

/** The payload of `topic`, decoded; throws PayloadContractError when it does not fit the schema. */
export function decodePayload<T extends Topic>(topic: T, payload: unknown): TopicPayload<T> {
  return PAYLOAD_DECODERS[topic](payload);
}

/** The event with its payload decoded as `topic`'s. */
function decodeEvent<T extends Topic>(topic: T, event: EventMessage): EventMessage<TopicPayload<T>> {
  return { envelope: event.envelope, payload: decodePayload(topic, event.payload) };
}

/** The consumer's `handlers` option from typed handlers: each decodes its topic's payload first. */
export function topicHandlers(handlers: TopicHandlers): Record<string, EventHandler<never>> {
  const decoding: Record<string, EventHandler> = {};
  for (const [topic, handler] of entries(handlers)) {
    const typed = handler as EventHandler<unknown>;
    decoding[topic] = async (trx, event, context) => typed(trx, decodeEvent(topic, event), context);
  }
  return decoding as Record<string, EventHandler<never>>;
}

/**
 * The consumer's `batchHandlers` option from typed batch handlers. A payload that does not fit fails
 * the whole batch, which the consumer then applies one message at a time, so only that message is
 * dead-lettered.
 */
export function topicBatchHandlers(handlers: TopicBatchHandlers): Record<string, BatchEventHandler<never>> {
  const decoding: Record<string, BatchEventHandler> = {};
  for (const [topic, handler] of entries(handlers)) {
    const typed = handler as BatchEventHandler<unknown>;
    decoding[topic] = async (trx, items) =>
      typed(
        trx,
        items.map(({ event, context }) => ({ event: decodeEvent(topic, event), context })),
      );
  }
  return decoding as Record<string, BatchEventHandler<never>>;
}

/** The map's entries; each handler is then called with the payload its own topic's decoder returns. */
function entries(handlers: Partial<Record<Topic, unknown>>): [Topic, unknown][] {
  return Object.entries(handlers).filter((entry): entry is [Topic, unknown] => entry[1] !== undefined);
}
