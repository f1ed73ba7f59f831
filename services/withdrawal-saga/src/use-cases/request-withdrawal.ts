/**
 * withdrawal.requested: the wallet has already moved the amount and fee from available to pending.
 * Story: parse, screen out what can never be paid (the wallet validated it, but the saga does not pay
 * on trust), decide the fraud rules under a lock so the platform total is exact, save the withdrawal
 * with its opening step, announce the outcome. A replayed request (same withdrawal id) changes nothing.
 */
import type { Knex } from 'knex';
import { z } from 'zod';
import { validateAddress } from '@dbay/dogecoin';
import { PermanentEventError } from '@dbay/platform';
import { PAYLOAD_SCHEMAS, TOPICS, type WithdrawalRequestedPayload } from '@dbay/contracts';
import { decideFraud } from '../domain/fraud.js';
import {
  fraudRejection,
  openDecided,
  openRefused,
  screenRequest,
  type Screening,
  type WithdrawalRequest,
} from '../domain/withdrawal-request.js';
import { lockFraudDecisions } from '../adapters/db/locks.js';
import { findWithdrawal, fraudHistory, insertWithdrawal } from '../adapters/db/withdrawals.js';
import { scriptHexForAddress } from '../adapters/psbt.js';
import { approvedEvent, failedEvent, heldEvent } from './events.js';
import type { SagaContext } from './ports.js';
import { reportSteps } from './step-reports.js';

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

function parseRequest(payload: unknown, cause: RequestCause): WithdrawalRequest {
  const parsed = requestedPayload.safeParse(payload);
  if (!parsed.success)
    throw new MalformedEventError(
      `${TOPICS.withdrawalRequested}: ${parsed.error.issues[0]?.message ?? 'bad payload'}`,
    );
  const requestedAt = new Date(parsed.data.requestedAt);
  if (Number.isNaN(requestedAt.getTime()))
    throw new MalformedEventError(`${TOPICS.withdrawalRequested}: requestedAt is not a date`);
  return {
    withdrawalId: parsed.data.withdrawalId,
    userId: parsed.data.userId,
    destinationAddress: parsed.data.destinationAddress,
    amountText: parsed.data.amountKoinu,
    networkFeeText: parsed.data.networkFeeKoinu,
    requestedAt,
    correlationId: cause.correlationId,
    requestedEventId: cause.eventId,
  };
}

export async function receiveWithdrawalRequest(
  ctx: SagaContext,
  trx: Knex.Transaction,
  payload: WithdrawalRequestedPayload,
  cause: RequestCause,
): Promise<void> {
  const request = parseRequest(payload, cause);
  if (await findWithdrawal(trx, request.withdrawalId)) return;
  const screening = screenRequest(request, validateAddress(request.destinationAddress, ctx.network));
  switch (screening.kind) {
    case 'refused':
      return refuse(ctx, trx, request, screening);
    case 'payable':
      return decide(ctx, trx, request, screening);
    default: {
      const unreachable: never = screening;
      throw new Error(`unknown screening ${JSON.stringify(unreachable)}`);
    }
  }
}

/** A request the saga can never pay is FAILED at once, and withdrawal.failed returns the funds. */
async function refuse(
  ctx: SagaContext,
  trx: Knex.Transaction,
  request: WithdrawalRequest,
  refusal: Extract<Screening, { kind: 'refused' }>,
): Promise<void> {
  const opening = openRefused(request, refusal);
  if (!(await insertWithdrawal(trx, opening, reportSteps(ctx)))) return;
  await ctx.publish(trx, failedEvent(request, opening.failure, { causationId: request.requestedEventId }));
}

/** The fraud rules decide under a lock, so the platform total they read is exact; then announce. */
async function decide(
  ctx: SagaContext,
  trx: Knex.Transaction,
  request: WithdrawalRequest,
  payable: Extract<Screening, { kind: 'payable' }>,
): Promise<void> {
  await lockFraudDecisions(trx);
  const now = ctx.now();
  const windowStart = new Date(now.getTime() - ctx.policy.fraud.velocityWindowMs);
  const history = await fraudHistory(trx, request.userId, request.destinationAddress, windowStart);
  const decision = decideFraud(
    {
      userId: request.userId,
      destinationAddress: request.destinationAddress,
      amountKoinu: payable.amountKoinu,
    },
    history,
    ctx.policy.fraud,
    now,
  );
  const scriptHex = scriptHexForAddress(request.destinationAddress, ctx.network);
  const opening = openDecided(request, payable, scriptHex, decision, now);
  if (!(await insertWithdrawal(trx, opening, reportSteps(ctx)))) return;
  const eventCause = { causationId: request.requestedEventId };
  switch (decision.outcome) {
    case 'approve':
      await ctx.publish(trx, approvedEvent(request, 'FRAUD_RULES', null, now, eventCause));
      return;
    case 'hold':
      await ctx.publish(trx, heldEvent(request, 'REVIEW', decision.reasons, null, eventCause));
      return;
    case 'cool-down':
      await ctx.publish(
        trx,
        heldEvent(request, 'COOL_DOWN', decision.reasons, decision.releaseAt, eventCause),
      );
      return;
    case 'reject':
      await ctx.publish(trx, failedEvent(request, fraudRejection(decision), eventCause));
      return;
    default: {
      const unreachable: never = decision;
      throw new Error(`unknown fraud outcome ${JSON.stringify(unreachable)}`);
    }
  }
}
