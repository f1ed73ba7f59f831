/**
 * The events the deposit watcher publishes. Their payload types are the generated contracts of
 * schemas/deposit.*.avsc (@dbay/contracts), so the lifecycle in deposit.ts cannot build a payload
 * its schema refuses. Amounts are integer koinu strings.
 */
import { TOPICS, type TopicPayload } from '@dbay/contracts';

/** The topics of a deposit's lifecycle (deposit.ts), in the order a deposit usually meets them. */
export const DEPOSIT_TOPICS = [
  TOPICS.depositDetected,
  TOPICS.depositConfirmationsChanged,
  TOPICS.depositConfirmed,
  TOPICS.depositReversed,
] as const;

export type DepositTopic = (typeof DEPOSIT_TOPICS)[number];

/** One event of a deposit's lifecycle: its topic and that topic's payload (the key is the user id). */
export type DepositEvent = { [T in DepositTopic]: { topic: T; payload: TopicPayload<T> } }[DepositTopic];
