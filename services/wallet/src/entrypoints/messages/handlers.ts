/**
 * Kafka entry points: the same domain commands as the HTTP API, as idempotent batch handlers. The
 * platform's IdempotentConsumer records each event id in the inbox in the same transaction as the
 * effect (up to GROUP_COMMIT_MAX_BATCH messages of a partition per transaction), so redelivery and
 * replays change nothing; the command's own idempotency key (the producer's
 * `idempotencyKey` on command topics, the event id otherwise) guards it a second time and lets an
 * HTTP call and a Kafka message with the same key from the same service be one command.
 *
 * Failures on command topics are answers, not errors: the domain's failure events (escrow.lock-failed,
 * bid.command-failed, ...) are already in the outbox. A malformed payload, a reused key or a rejected
 * deposit/withdrawal event is a contract violation: the handler throws and the message ends in the DLQ.
 *
 * withdrawal.step-recorded is the exception: it moves no money, so it runs no command; its handler
 * (withdrawal-steps.ts) records the saga's report for the user API.
 */
import type { Knex } from 'knex';
import { z } from 'zod';
import {
  IDEMPOTENCY_KEY_PATTERN,
  type BatchEventHandler,
  type BatchItem,
  type EventMessage,
} from '@dbay/platform';
import {
  TOPICS,
  topicBatchHandlers,
  type TopicBatchHandlers,
  type TopicConsumedBy,
  type TopicPayload,
  type WithdrawalStepRecordedPayload,
} from '@dbay/contracts';
import type { Command } from '../../domain/index.js';
import type { CommandExecutor } from '../../command-executor.js';
import { internalCommandSchemas } from '../http/internal-routes.js';
import { koinuAmount, koinuFee, uuid } from '../http/request.js';
import { UnprocessableEventError } from './errors.js';

export { UnprocessableEventError };

const txid = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits')
  .transform((value) => value.toLowerCase());
const vout = z.number().int().min(0);
const count = z.number().int().min(0);
const nullableHeight = z.number().int().min(0).nullable();
const text = z.string().max(2_000);
const idempotencyKey = z.string().regex(IDEMPOTENCY_KEY_PATTERN);

/** The topics the wallet consumes, as their topic.json files list it. */
type ConsumedTopic = TopicConsumedBy<'wallet'>;

/** Command topics the order service produces: their payload is the internal API body plus a key. */
const COMMAND_ROUTES = {
  [TOPICS.escrowLockRequested]: 'pay-order',
  [TOPICS.escrowReleaseRequested]: 'release-escrow',
  [TOPICS.escrowRefundRequested]: 'refund-escrow',
  [TOPICS.escrowDisputeRequested]: 'dispute-escrow',
  [TOPICS.escrowDisputeResolutionRequested]: 'resolve-dispute',
  [TOPICS.bidLockRequested]: 'bid-lock',
  [TOPICS.bidUnlockRequested]: 'bid-unlock',
  [TOPICS.bidConvertRequested]: 'bid-convert',
} as const satisfies Partial<Record<ConsumedTopic, keyof typeof internalCommandSchemas>>;

type CommandTopic = keyof typeof COMMAND_ROUTES;
/** Topics the wallet only records for its API, without a domain command: no money moves on them. */
type RecordTopic = typeof TOPICS.withdrawalStepRecorded;
type EventTopic = Exclude<ConsumedTopic, CommandTopic | RecordTopic>;

/** The command of an event: the payload arrives decoded by its contract; these add the wallet's rules. */
type EventParser<T extends EventTopic> = (payload: TopicPayload<T>, event: EventMessage) => Command;

/** The fields deposit.detected and deposit.confirmed share (the latter adds what the wallet ignores). */
const depositSeen = z.object({
  userId: uuid,
  address: text,
  txid,
  vout,
  amountKoinu: koinuAmount,
  confirmations: count,
  blockHash: text.nullable(),
  blockHeight: nullableHeight,
});

/**
 * The wallet's rules on the events other services emit (ids are UUIDs, amounts positive koinu, txids
 * hex; fields per CONVENTIONS.md), one per consumed event topic: the type makes a topic the wallet's
 * topic.json files say it consumes impossible to leave out.
 */
const EVENT_PARSERS: { [T in EventTopic]: EventParser<T> } = {
  [TOPICS.depositDetected]: (payload) => ({ type: 'RecordIncomingDeposit', ...depositSeen.parse(payload) }),
  [TOPICS.depositConfirmationsChanged]: (payload) => {
    const p = z
      .object({
        userId: uuid,
        txid,
        vout,
        confirmations: count,
        blockHash: text.nullable(),
        blockHeight: nullableHeight,
      })
      .parse(payload);
    return { type: 'UpdateDepositConfirmations', ...p };
  },
  [TOPICS.depositConfirmed]: (payload, event) => ({
    type: 'CreditDeposit',
    ...depositSeen.parse(payload),
    eventOccurredAt: event.envelope.occurredAt,
  }),
  [TOPICS.depositReversed]: (payload, event) => {
    const p = z
      .object({
        userId: uuid,
        address: text,
        txid,
        vout,
        amountKoinu: koinuAmount,
        wasConfirmed: z.boolean(),
        reason: text,
      })
      .parse(payload);
    return { type: 'ReverseDeposit', ...p, eventOccurredAt: event.envelope.occurredAt };
  },
  [TOPICS.withdrawalConfirmed]: (payload) => {
    const p = z
      .object({
        withdrawalId: uuid,
        userId: uuid,
        txid,
        blockHash: text,
        blockHeight: count,
        confirmations: count,
        minerFeeShareKoinu: koinuFee,
      })
      .parse(payload);
    return { type: 'FinalizeWithdrawal', ...p };
  },
  [TOPICS.withdrawalFailed]: (payload) => {
    const p = z.object({ withdrawalId: uuid, userId: uuid, reasonCode: text, reason: text }).parse(payload);
    return { type: 'FailWithdrawal', ...p };
  },
  [TOPICS.hotWalletSwept]: (payload) => {
    const p = z.object({ txid, sweptKoinu: koinuAmount, minerFeeKoinu: koinuFee }).parse(payload);
    return { type: 'RecordSweep', ...p };
  },
  [TOPICS.hotWalletRefilled]: (payload) => {
    const p = z.object({ txid, vout, amountKoinu: koinuAmount }).parse(payload);
    return { type: 'RecordRefill', ...p };
  },
};

/**
 * The idempotency key of an event's command: the event id, except where the command books something
 * that must happen once whatever the event: a sweep per txid, a refill per output. A second event for
 * the same transfer is then a replay of the first (the same answer, nothing booked twice).
 */
function eventKey(command: Command, event: EventMessage): string {
  if (command.type === 'RecordSweep') return `sweep:${command.txid}`;
  if (command.type === 'RecordRefill') return `refill:${command.txid}:${command.vout}`;
  return `event:${event.envelope.eventId}`;
}

export const CONSUMED_TOPICS = [
  ...Object.keys(COMMAND_ROUTES),
  ...Object.keys(EVENT_PARSERS),
  TOPICS.withdrawalStepRecorded,
] as ConsumedTopic[];

function parseOrDeadLetter<T>(topic: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const detail =
      error instanceof z.ZodError
        ? error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
        : String(error);
    throw new UnprocessableEventError(`${topic} payload is invalid: ${detail}`);
  }
}

/** One message's command, with the key it runs under and whether a rejection is its answer. */
interface MessageCommand {
  event: EventMessage;
  command: Command;
  key: string;
  rejectionIsAnAnswer: boolean;
}

/**
 * Runs the commands of a batch of messages as one group commit inside the consumer's transaction.
 * A message the wallet must refuse for good throws, which rolls the whole batch back; the consumer
 * then runs the messages one at a time and dead-letters only that one.
 */
async function runAll(
  executor: CommandExecutor,
  trx: Knex.Transaction,
  work: MessageCommand[],
): Promise<void> {
  const outcomes = await executor.executeAllInTransaction(
    trx,
    work.map(({ event, command, key }) => ({
      command,
      scope: `service:${event.envelope.producer}`,
      idempotencyKey: key,
      correlationId: event.envelope.correlationId,
      causationId: event.envelope.eventId,
    })),
  );
  outcomes.forEach((outcome, index) => {
    const { event, rejectionIsAnAnswer } = work[index]!;
    if (outcome.kind === 'key-reused') throw new UnprocessableEventError(outcome.message);
    if (outcome.kind === 'rejected' && !rejectionIsAnAnswer) {
      throw new UnprocessableEventError(
        `${event.envelope.eventType} rejected: ${outcome.error.code}: ${outcome.error.message}`,
      );
    }
  });
}

/** A command topic's handler: the key and the internal API body of each message, then one group commit. */
function commandHandler(
  executor: CommandExecutor,
  topic: CommandTopic,
): BatchEventHandler<{ idempotencyKey: string }> {
  const schema = internalCommandSchemas[COMMAND_ROUTES[topic]] as unknown as z.ZodType<Command>;
  return async (trx, items) => {
    const work = items.map(({ event }): MessageCommand => {
      const { idempotencyKey: rawKey, ...body } = event.payload;
      const key = parseOrDeadLetter(topic, () => idempotencyKey.parse(rawKey));
      const command = parseOrDeadLetter(topic, () => schema.parse(body));
      return { event, command, key, rejectionIsAnAnswer: true };
    });
    await runAll(executor, trx, work);
  };
}

/** An event topic's handler: the command its parser builds, keyed by the event id (or see eventKey). */
function eventHandler<T extends EventTopic>(
  executor: CommandExecutor,
  topic: T,
): BatchEventHandler<TopicPayload<T>> {
  const parse: EventParser<T> = EVENT_PARSERS[topic];
  return async (trx, items: BatchItem<TopicPayload<T>>[]) => {
    const work = items.map(({ event }): MessageCommand => {
      const command = parseOrDeadLetter(topic, () => parse(event.payload, event));
      return { event, command, key: eventKey(command, event), rejectionIsAnAnswer: false };
    });
    await runAll(executor, trx, work);
  };
}

/**
 * Every consumed topic as a batch handler: the consumer applies runs of messages of one partition in
 * one transaction (group commit, as the HTTP path does), and single messages as batches of one. Each
 * payload is decoded by its topic's contract first (@dbay/contracts): one that does not fit its schema
 * is dead-lettered at once, before any rule here runs.
 */
export function walletHandlers(
  executor: CommandExecutor,
  withdrawalSteps: BatchEventHandler<WithdrawalStepRecordedPayload>,
): Record<string, BatchEventHandler<never>> {
  const handlers = [
    [TOPICS.withdrawalStepRecorded, withdrawalSteps],
    ...(Object.keys(COMMAND_ROUTES) as CommandTopic[]).map((topic) => [
      topic,
      commandHandler(executor, topic),
    ]),
    ...(Object.keys(EVENT_PARSERS) as EventTopic[]).map((topic) => [topic, eventHandler(executor, topic)]),
  ];
  // Each entry pairs a topic with the handler built for that topic, which a map typed per key cannot
  // be told entry by entry.
  return topicBatchHandlers(Object.fromEntries(handlers) as TopicBatchHandlers<ConsumedTopic>);
}
