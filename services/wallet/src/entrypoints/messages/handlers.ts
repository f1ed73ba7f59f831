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
 */
import type { Knex } from 'knex';
import { z } from 'zod';
import { PermanentEventError, type BatchEventHandler, type EventMessage } from '@dbay/platform';
import type { Command } from '../../domain/index.js';
import type { CommandExecutor } from '../../command-executor.js';
import { internalCommandSchemas } from '../http/internal-routes.js';
import { koinuAmount, koinuFee, uuid } from '../http/request.js';

/** A message the wallet will never be able to apply; the consumer dead-letters it with this reason. */
export class UnprocessableEventError extends PermanentEventError {
  constructor(message: string) {
    super(message);
    this.name = 'UnprocessableEventError';
  }
}

const txid = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits')
  .transform((value) => value.toLowerCase());
const vout = z.number().int().min(0);
const count = z.number().int().min(0);
const nullableHeight = z.number().int().min(0).nullable();
const text = z.string().max(2_000);
const idempotencyKey = z.string().regex(/^[A-Za-z0-9_.:-]{1,200}$/);

/** Command topics the order service produces: their payload is the internal API body plus a key. */
const COMMAND_TOPICS = {
  'escrow.lock-requested': 'pay-order',
  'escrow.release-requested': 'release-escrow',
  'escrow.refund-requested': 'refund-escrow',
  'escrow.dispute-requested': 'dispute-escrow',
  'escrow.dispute-resolution-requested': 'resolve-dispute',
  'bid.lock-requested': 'bid-lock',
  'bid.unlock-requested': 'bid-unlock',
  'bid.convert-requested': 'bid-convert',
} as const satisfies Record<string, keyof typeof internalCommandSchemas>;

type EventParser = (payload: unknown, event: EventMessage) => Command;

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

/** Payload parsers of the events other services emit; fields per CONVENTIONS.md (extra fields ignored). */
const EVENT_TOPICS: Record<string, EventParser> = {
  'deposit.detected': (payload) => ({ type: 'RecordIncomingDeposit', ...depositSeen.parse(payload) }),
  'deposit.confirmations-changed': (payload) => {
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
  'deposit.confirmed': (payload, event) => ({
    type: 'CreditDeposit',
    ...depositSeen.parse(payload),
    eventOccurredAt: event.envelope.occurredAt,
  }),
  'deposit.reversed': (payload, event) => {
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
  'withdrawal.confirmed': (payload) => {
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
  'withdrawal.failed': (payload) => {
    const p = z.object({ withdrawalId: uuid, userId: uuid, reasonCode: text, reason: text }).parse(payload);
    return { type: 'FailWithdrawal', ...p };
  },
};

export const CONSUMED_TOPICS = [...Object.keys(COMMAND_TOPICS), ...Object.keys(EVENT_TOPICS)];

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

/**
 * Every consumed topic as a batch handler: the consumer applies runs of messages of one partition in
 * one transaction (group commit, as the HTTP path does), and single messages as batches of one.
 */
export function walletHandlers(executor: CommandExecutor): Record<string, BatchEventHandler<never>> {
  const handlers: Record<string, BatchEventHandler<unknown>> = {};
  for (const [topic, route] of Object.entries(COMMAND_TOPICS)) {
    const schema = internalCommandSchemas[route] as unknown as z.ZodType<Command>;
    handlers[topic] = async (trx, items) => {
      const work = items.map(({ event }): MessageCommand => {
        const payload = event.payload as Record<string, unknown>;
        const key = parseOrDeadLetter(topic, () => idempotencyKey.parse(payload.idempotencyKey));
        const { idempotencyKey: _key, ...body } = payload;
        const command = parseOrDeadLetter(topic, () => schema.parse(body));
        return { event, command, key, rejectionIsAnAnswer: true };
      });
      await runAll(executor, trx, work);
    };
  }
  for (const [topic, parse] of Object.entries(EVENT_TOPICS)) {
    handlers[topic] = async (trx, items) => {
      const work = items.map(({ event }): MessageCommand => ({
        event,
        command: parseOrDeadLetter(topic, () => parse(event.payload, event)),
        key: `event:${event.envelope.eventId}`,
        rejectionIsAnAnswer: false,
      }));
      await runAll(executor, trx, work);
    };
  }
  return handlers as Record<string, BatchEventHandler<never>>;
}
