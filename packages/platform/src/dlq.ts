// The dead-letter path: a message a consumer cannot process goes, byte for byte (key, value and its
// own headers), to `<topic>.dlq`, with headers that say why and where it came from. An operator can
// inspect it with kcat and, once the cause is fixed, produce the value back to the original topic;
// the inbox guarantees that a replay of something already applied changes nothing.
import type { IHeaders, KafkaMessage, Producer } from 'kafkajs';
import { ACKS_ALL, PRODUCE_TIMEOUT_MS } from './kafka.js';

export const DLQ_HEADER = {
  reason: 'dlq-reason',
  originalTopic: 'dlq-original-topic',
  originalPartition: 'dlq-original-partition',
  originalOffset: 'dlq-original-offset',
  consumer: 'dlq-consumer',
} as const;

/** Long enough for an error message and its context; short enough to stay a header, not a payload. */
export const DLQ_REASON_MAX_LENGTH = 2_000;

export function dlqTopicOf(topic: string): string {
  return `${topic}.dlq`;
}

export interface DeadLetter {
  topic: string;
  partition: number;
  message: KafkaMessage;
  reason: string;
  consumerName: string;
}

export async function sendToDeadLetter(producer: Producer, letter: DeadLetter): Promise<void> {
  const headers: IHeaders = {
    ...letter.message.headers,
    [DLQ_HEADER.reason]: letter.reason.slice(0, DLQ_REASON_MAX_LENGTH),
    [DLQ_HEADER.originalTopic]: letter.topic,
    [DLQ_HEADER.originalPartition]: String(letter.partition),
    [DLQ_HEADER.originalOffset]: letter.message.offset,
    [DLQ_HEADER.consumer]: letter.consumerName,
  };
  await producer.send({
    topic: dlqTopicOf(letter.topic),
    messages: [{ key: letter.message.key, value: letter.message.value, headers }],
    acks: ACKS_ALL,
    timeout: PRODUCE_TIMEOUT_MS,
  });
}
