/**
 * Ends the wait of withdrawals the hot wallet could not cover in time: each is failed with
 * WITHDRAWAL_FUNDS_WAIT_EXPIRED and withdrawal.failed goes into the outbox in the same transaction, so
 * the wallet returns the user's pending money to available exactly once (the state machine allows the
 * move once, and the wallet deduplicates on its side too).
 */
import { fundsWaitCutoff, fundsWaitExpiry } from '../domain/funds-wait.js';
import { expiredFundsWaits, moveWithdrawal } from '../adapters/db/withdrawals.js';
import { failedEvent } from './events.js';
import { reportSteps } from './step-reports.js';
import type { SagaContext } from './ports.js';

/** Withdrawals failed per pass at most, so one pass holds few row locks. */
const EXPIRIES_PER_PASS = 100;

/** Fails every withdrawal that waited for funds past WITHDRAWAL_FUNDS_TIMEOUT_MS; returns how many. */
export async function expireFundsWaits(ctx: SagaContext): Promise<number> {
  return ctx.db.transaction(async (trx) => {
    const now = ctx.now();
    const policy = ctx.policy;
    const candidates = await expiredFundsWaits(trx, fundsWaitCutoff(now, policy), EXPIRIES_PER_PASS);
    let expired = 0;
    for (const withdrawal of candidates) {
      const failure = fundsWaitExpiry(withdrawal, now, policy);
      if (failure === null) continue;
      const moved = await moveWithdrawal(
        trx,
        withdrawal,
        'FUNDS_WAIT_EXPIRED',
        reportSteps(ctx),
        { failure },
        { waitingSince: withdrawal.statusChangedAt.toISOString(), timeoutMs: policy.fundsWaitTimeoutMs },
      );
      await ctx.publish(trx, failedEvent(moved, failure, { causationId: null }));
      ctx.logger.warn(
        { withdrawalId: withdrawal.withdrawalId, timeoutMs: policy.fundsWaitTimeoutMs },
        'withdrawal failed: waited for funds too long',
      );
      expired++;
    }
    return expired;
  });
}
