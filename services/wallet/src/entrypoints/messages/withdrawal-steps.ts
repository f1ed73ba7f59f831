/**
 * withdrawal.step-recorded: what the saga reports about a withdrawal, kept for the user API. The
 * platform's consumer puts each event id in the inbox in the same transaction as these rows, so a
 * redelivery changes nothing; a step reported twice under different event ids stays one row
 * (adapters/withdrawal-steps.ts). Nothing here moves money.
 *
 * A step for a withdrawal the wallet does not know is ignored, logged and counted, not dead-lettered:
 * the saga's contract tests and the benchmark send it withdrawals the wallet never had, and the saga
 * only acts on a withdrawal after the wallet committed its request, so for a real one this cannot
 * happen. A step that names the withdrawal under another user breaks the contract: DLQ.
 */
import { z } from 'zod';
import type { Counter } from 'prom-client';
import type { BatchEventHandler } from '@dbay/platform';
import type { WithdrawalStepRecordedPayload } from '@dbay/contracts';
import { COUNTING_STEPS, type ReportedWithdrawalStep } from '../../domain/index.js';
import {
  recordWithdrawalSteps,
  withdrawalOwners,
  type StepToRecord,
} from '../../adapters/withdrawal-steps.js';
import { uuid } from '../http/request.js';
import { UnprocessableEventError } from './errors.js';

const reportedStep = z.object({
  withdrawalId: uuid,
  userId: uuid,
  txid: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits')
    .transform((value) => value.toLowerCase())
    .nullable(),
  confirmations: z.number().int().min(0).nullable(),
  reason: z.string().max(2_000).nullable(),
  at: z.number().int().min(0),
});

/** The contract's step, typed as the wallet's own vocabulary: a symbol added to one only does not compile. */
const asWalletStep = (step: WithdrawalStepRecordedPayload['step']): ReportedWithdrawalStep => step;

function parseStep(payload: WithdrawalStepRecordedPayload, eventId: string): StepToRecord {
  const parsed = reportedStep.safeParse(payload);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new UnprocessableEventError(`withdrawal.step-recorded payload is invalid: ${detail}`);
  }
  const step = asWalletStep(payload.step);
  const counting = COUNTING_STEPS.includes(step);
  if (counting !== (parsed.data.confirmations !== null))
    throw new UnprocessableEventError(
      `withdrawal.step-recorded ${step} ${counting ? 'needs' : 'cannot carry'} a confirmation count`,
    );
  const { withdrawalId, txid, confirmations, reason, at } = parsed.data;
  return {
    withdrawalId,
    step,
    confirmations,
    txid,
    reason,
    at: new Date(at).toISOString(),
    sourceEventId: eventId,
  };
}

export interface WithdrawalStepsDeps {
  /** Counts steps ignored because the wallet does not know their withdrawal. */
  unknownWithdrawals: Counter;
}

export function withdrawalStepsHandler({
  unknownWithdrawals,
}: WithdrawalStepsDeps): BatchEventHandler<WithdrawalStepRecordedPayload> {
  return async (trx, items) => {
    const steps = items.map(({ event, context }) => ({
      event,
      context,
      step: parseStep(event.payload, event.envelope.eventId),
    }));
    const owners = await withdrawalOwners(
      trx,
      steps.map(({ step }) => step.withdrawalId),
    );
    const known: StepToRecord[] = [];
    for (const { event, context, step } of steps) {
      const owner = owners.get(step.withdrawalId);
      if (owner === undefined) {
        unknownWithdrawals.inc();
        context.logger.info(
          { withdrawalId: step.withdrawalId, step: step.step, eventId: event.envelope.eventId },
          'withdrawal step for a withdrawal the wallet does not know: ignored',
        );
        continue;
      }
      if (owner !== event.payload.userId)
        throw new UnprocessableEventError(
          `withdrawal.step-recorded names withdrawal ${step.withdrawalId} under another user`,
        );
      known.push(step);
    }
    await recordWithdrawalSteps(trx, known);
  };
}
