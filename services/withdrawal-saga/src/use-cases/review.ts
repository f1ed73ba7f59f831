/**
 * Manual review of held withdrawals and the automatic end of a destination cool-down. A reviewer's
 * decision is final for the saga: approve sends the withdrawal to the next batch, reject fails it and
 * the wallet returns the funds. Deciding twice, or on a withdrawal that is no longer held, is a
 * coded error the HTTP API maps to 409.
 */
import {
  canTransition,
  type MoveStepName,
  type Withdrawal,
  type WithdrawalFailure,
} from '../domain/withdrawal.js';
import { dueCoolDowns, findWithdrawal, moveWithdrawal } from '../adapters/db/withdrawals.js';
import { approvedEvent, failedEvent } from './events.js';
import type { SagaContext } from './ports.js';
import { reportSteps } from './step-reports.js';

export type ReviewDecision =
  { decision: 'approve'; note: string | null } | { decision: 'reject'; note: string | null };

export type ReviewResult =
  | { ok: true; withdrawal: Withdrawal }
  | { ok: false; code: 'WITHDRAWAL_NOT_FOUND' | 'WITHDRAWAL_NOT_UNDER_REVIEW'; message: string };

export async function reviewWithdrawal(
  ctx: SagaContext,
  withdrawalId: string,
  review: ReviewDecision,
  reviewer: string,
): Promise<ReviewResult> {
  return ctx.db.transaction(async (trx) => {
    const withdrawal = await findWithdrawal(trx, withdrawalId, true);
    if (!withdrawal)
      return { ok: false, code: 'WITHDRAWAL_NOT_FOUND', message: `no withdrawal ${withdrawalId}` };
    const step: MoveStepName = review.decision === 'approve' ? 'REVIEW_APPROVED' : 'REVIEW_REJECTED';
    if (!canTransition(withdrawal.status, step)) {
      return {
        ok: false,
        code: 'WITHDRAWAL_NOT_UNDER_REVIEW',
        message: `withdrawal ${withdrawalId} is ${withdrawal.status}, not held`,
      };
    }
    const now = ctx.now();
    const cause = { causationId: null };
    if (review.decision === 'approve') {
      const moved = await moveWithdrawal(
        trx,
        withdrawal,
        step,
        reportSteps(ctx),
        { approvedAt: now, reviewedBy: reviewer, reviewNote: review.note },
        { reviewer },
      );
      await ctx.publish(trx, approvedEvent(moved, 'REVIEWER', reviewer, now, cause));
      return { ok: true, withdrawal: moved };
    }
    const failure: WithdrawalFailure = {
      code: 'WITHDRAWAL_REJECTED_IN_REVIEW',
      reason: review.note ? `rejected in review: ${review.note}` : 'rejected in review',
    };
    const moved = await moveWithdrawal(
      trx,
      withdrawal,
      step,
      reportSteps(ctx),
      { reviewedBy: reviewer, reviewNote: review.note, failure },
      { reviewer },
    );
    await ctx.publish(trx, failedEvent(moved, failure, cause));
    return { ok: true, withdrawal: moved };
  });
}

const COOL_DOWN_RELEASES_PER_TICK = 100;

/** Approves every withdrawal whose destination cool-down has passed; returns how many. */
export async function releaseCoolDowns(ctx: SagaContext): Promise<number> {
  return ctx.db.transaction(async (trx) => {
    const now = ctx.now();
    const due = await dueCoolDowns(trx, now, COOL_DOWN_RELEASES_PER_TICK);
    for (const withdrawal of due) {
      const moved = await moveWithdrawal(trx, withdrawal, 'COOL_DOWN_ELAPSED', reportSteps(ctx), {
        approvedAt: now,
      });
      await ctx.publish(trx, approvedEvent(moved, 'COOL_DOWN_ELAPSED', null, now, { causationId: null }));
    }
    return due.length;
  });
}
