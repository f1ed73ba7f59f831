/**
 * The producing side: an event as a topic and the payload of that topic, so a payload that does not
 * fit its topic is a compile error where the event is built, not a parked outbox row at publication.
 */
import type { Knex } from 'knex';
import { enqueueEvent } from '@dbay/platform';
import type { TopicPayload } from './generated/payloads.js';
import type { Topic } from './generated/topics.js';

/** One of the topics `T` with its payload; a union over `T`, narrowed by `topic`. */
export type TopicEvent<T extends Topic = Topic> = {
  [K in T]: {
    topic: K;
    /** The aggregate id (the field topic.json names as the key), as the Kafka key. */
    key: string;
    payload: TopicPayload<K>;
  };
}[T];

/** A TopicEvent with the flow it belongs to, as the outbox takes it. */
export type NewTopicEvent<T extends Topic = Topic> = TopicEvent<T> & {
  correlationId: string;
  causationId?: string | null;
};

/** @dbay/platform's enqueueEvent, typed by topic: same row, same transaction rule, same event id. */
export function enqueueTopicEvent(trx: Knex.Transaction, event: NewTopicEvent): Promise<string> {
  return enqueueEvent(trx, event);
}
