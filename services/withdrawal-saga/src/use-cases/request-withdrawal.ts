/**
 * withdrawal.requested: the wallet has already moved the amount and fee from available to pending.
 * Story: parse, refuse what can never be paid (the wallet validated it, but the saga does not pay on
 * trust), decide the fraud rules under a lock so the platform total is exact, save the withdrawal
 * with its first step, announce the outcome. A replayed request (same withdrawal id) changes nothing.
 */
import type { Knex } from 'knex';
import { z } from 'zod';
import { parseKoinu, MoneyError } from '@dbay/money';
import { validateAddress, SOFT_DUST_LIMIT_KOINU } from '@dbay/dogecoin';
import { PermanentEventError } from '@dbay/platform';
import { PAYLOAD_SCHEMAS, TOPICS, type WithdrawalRequestedPayload } from '@dbay/contracts';
import { decideFraud } from '../domain/fraud.js';
import type { InitialStatus } from '../domain/withdrawal.js';
import {
  findWithdrawal,
  fraudHistory,
  insertWithdrawal,
  lockFraudDecisions,
} from '../adapters/saga-repository.js';
import { scriptHexForAddress } from '../adapters/psbt.js';
import { approvedEvent, failedEvent, heldEvent } from './events.js';
import type { SagaContext } from './ports.js';

/** The contract's payload with the saga's limits on ids and addresses. */
const requestedPayload = PAYLOAD_SCHEMAS[TOPICS.withdrawalRequested].extend({
  withdrawalId: z.string().min(1).max(100),
  userId: z.string().min(1).max(100),
  destinationAddress: z.string().max(100),
});

export interface RequestCause {
  eventId: string;
  correlationId: string;
}

/** Thrown for a payload that does not match the contract: the consumer dead-letters it. */
export class MalformedEventError extends PermanentEventError {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedEventError';
  }
}

function parseAmounts(
  amount: string,
  fee: string,
): { amountKoinu: bigint; networkFeeKoinu: bigint } | { error: string } {
  try {
    return { amountKoinu: parseKoinu(amount), networkFeeKoinu: parseKoinu(fee, { allowZero: true }) };
  } catch (error) {
    if (error instanceof MoneyError) return { error: error.message };
    throw error;
  }
}

export async function receiveWithdrawalRequest(
  ctx: SagaContext,
  trx: Knex.Transaction,
  payload: WithdrawalRequestedPayload,
  cause: RequestCause,
): Promise<void> {
  const parsed = requestedPayload.safeParse(payload);
  if (!parsed.success)
    throw new MalformedEventError(
      `${TOPICS.withdrawalRequested}: ${parsed.error.issues[0]?.message ?? 'bad payload'}`,
    );
  const request = parsed.data;
  if (await findWithdrawal(trx, request.withdrawalId)) return;

  const requestedAt = new Date(request.requestedAt);
  if (Number.isNaN(requestedAt.getTime()))
    throw new MalformedEventError(`${TOPICS.withdrawalRequested}: requestedAt is not a date`);
  const amounts = parseAmounts(request.amountKoinu, request.networkFeeKoinu);
  const address = validateAddress(request.destinationAddress, ctx.network);
  const base = {
    withdrawalId: request.withdrawalId,
    userId: request.userId,
    destinationAddress: request.destinationAddress,
    requestedAt,
    correlationId: cause.correlationId,
    requestedEventId: cause.eventId,
    approvedAt: null,
    releaseAt: null,
  };

  // Unpayable requests still become withdrawals, FAILED at once: the wallet holds the user's funds in
  // pending and only withdrawal.failed gives them back.
  const refusal =
    'error' in amounts
      ? { code: 'WITHDRAWAL_AMOUNT_INVALID', reason: amounts.error }
      : !address.ok
        ? { code: 'WITHDRAWAL_ADDRESS_INVALID', reason: address.reason }
        : amounts.amountKoinu < SOFT_DUST_LIMIT_KOINU
          ? {
              code: 'WITHDRAWAL_AMOUNT_BELOW_DUST',
              reason: `amount is below the ${SOFT_DUST_LIMIT_KOINU} koinu soft dust limit`,
            }
          : undefined;
  if (refusal || 'error' in amounts || !address.ok) {
    const code = refusal?.code ?? 'WITHDRAWAL_REQUEST_INVALID';
    const reason = refusal?.reason ?? 'invalid request';
    await insertWithdrawal(
      trx,
      {
        ...base,
        destinationScriptHex: '',
        amountKoinu: 'error' in amounts ? 1n : amounts.amountKoinu,
        networkFeeKoinu: 'error' in amounts ? 0n : amounts.networkFeeKoinu,
        status: 'FAILED',
        fraudOutcome: 'not-evaluated',
        fraudReasons: [],
        failureCode: code,
        failureReason: reason,
      },
      'REQUEST_REFUSED',
    );
    const saved = (await findWithdrawal(trx, request.withdrawalId))!;
    await ctx.publish(trx, failedEvent(saved, code, reason, { causationId: cause.eventId }));
    return;
  }

  await lockFraudDecisions(trx);
  const now = ctx.now();
  const windowStart = new Date(now.getTime() - ctx.policy.fraud.velocityWindowMs);
  const history = await fraudHistory(trx, request.userId, request.destinationAddress, windowStart);
  const decision = decideFraud(
    {
      userId: request.userId,
      destinationAddress: request.destinationAddress,
      amountKoinu: amounts.amountKoinu,
    },
    history,
    ctx.policy.fraud,
    now,
  );
  const status: InitialStatus =
    decision.outcome === 'approve'
      ? 'APPROVED'
      : decision.outcome === 'hold'
        ? 'HELD'
        : decision.outcome === 'cool-down'
          ? 'COOLING_DOWN'
          : 'FAILED';
  const rejectReason = decision.reasons.map((reason) => reason.message).join('; ');
  await insertWithdrawal(
    trx,
    {
      ...base,
      destinationScriptHex: scriptHexForAddress(request.destinationAddress, ctx.network),
      amountKoinu: amounts.amountKoinu,
      networkFeeKoinu: amounts.networkFeeKoinu,
      status,
      fraudOutcome: decision.outcome,
      fraudReasons: decision.reasons,
      approvedAt: status === 'APPROVED' ? now : null,
      releaseAt: decision.outcome === 'cool-down' ? decision.releaseAt : null,
      failureCode: status === 'FAILED' ? 'WITHDRAWAL_REJECTED_BY_FRAUD_RULES' : null,
      failureReason: status === 'FAILED' ? rejectReason : null,
    },
    `FRAUD_${decision.outcome.toUpperCase().replace('-', '_')}`,
  );
  const saved = (await findWithdrawal(trx, request.withdrawalId))!;
  const eventCause = { causationId: cause.eventId };
  switch (decision.outcome) {
    case 'approve':
      await ctx.publish(trx, approvedEvent(saved, 'FRAUD_RULES', null, now, eventCause));
      return;
    case 'hold':
      await ctx.publish(trx, heldEvent(saved, 'REVIEW', decision.reasons, null, eventCause));
      return;
    case 'cool-down':
      await ctx.publish(trx, heldEvent(saved, 'COOL_DOWN', decision.reasons, decision.releaseAt, eventCause));
      return;
    case 'reject':
      await ctx.publish(
        trx,
        failedEvent(saved, 'WITHDRAWAL_REJECTED_BY_FRAUD_RULES', rejectReason, eventCause),
      );
      return;
    default: {
      const unreachable: never = decision;
      throw new Error(`unknown fraud outcome ${JSON.stringify(unreachable)}`);
    }
  }
}
