// Proves the limit on waiting for funds: a withdrawal that waited in WAITING_FOR_FUNDS for the configured
// time fails with WITHDRAWAL_FUNDS_WAIT_EXPIRED (a code the state machine accepts only on that step into
// FAILED, which makes the wallet return the money), one that waited a millisecond less keeps waiting,
// and a withdrawal in any other status is never expired by this rule, however old.
import { expect } from 'chai';
import fc from 'fast-check';
import { fundsWaitCutoff, fundsWaitExpiry } from '../src/domain/funds-wait.js';
import {
  assertFailureFits,
  transition,
  WITHDRAWAL_STATUSES,
  type WithdrawalStatus,
} from '../src/domain/withdrawal.js';

const HOUR_MS = 60 * 60 * 1000;
const policy = { fundsWaitTimeoutMs: HOUR_MS };
const waitingSince = new Date('2026-11-26T10:00:00.000Z');
const after = (ms: number) => new Date(waitingSince.getTime() + ms);

describe('waiting for funds has a limit', () => {
  it('keeps a withdrawal waiting until the timeout, to the millisecond', () => {
    const waiting = { status: 'WAITING_FOR_FUNDS' as const, statusChangedAt: waitingSince };
    expect(fundsWaitExpiry(waiting, after(0), policy)).to.equal(null);
    expect(fundsWaitExpiry(waiting, after(HOUR_MS - 1), policy)).to.equal(null);
  });

  it('fails it with WITHDRAWAL_FUNDS_WAIT_EXPIRED and a readable reason once the timeout has passed', () => {
    const waiting = { status: 'WAITING_FOR_FUNDS' as const, statusChangedAt: waitingSince };
    const failure = fundsWaitExpiry(waiting, after(HOUR_MS), policy);
    expect(failure?.code).to.equal('WITHDRAWAL_FUNDS_WAIT_EXPIRED');
    expect(failure?.reason).to.match(/hot wallet could not cover the withdrawal within 60 min/);
    expect(fundsWaitExpiry(waiting, after(5 * HOUR_MS), policy)?.code).to.equal(
      'WITHDRAWAL_FUNDS_WAIT_EXPIRED',
    );
  });

  it('records the failure on a legal move into FAILED, so withdrawal.failed refunds the user', () => {
    const failure = fundsWaitExpiry(
      { status: 'WAITING_FOR_FUNDS', statusChangedAt: waitingSince },
      after(HOUR_MS),
      policy,
    );
    expect(transition('WAITING_FOR_FUNDS', 'FUNDS_WAIT_EXPIRED')).to.equal('FAILED');
    expect(() => assertFailureFits('FUNDS_WAIT_EXPIRED', 'FAILED', failure)).not.to.throw();
    expect(() =>
      assertFailureFits('FUNDS_WAIT_EXPIRED', 'FAILED', {
        code: 'WITHDRAWAL_SIGNER_REFUSED',
        reason: 'wrong code',
      }),
    ).to.throw(/cannot record failure WITHDRAWAL_SIGNER_REFUSED/);
  });

  it('never expires a withdrawal that is not waiting for funds, however long ago it changed', () => {
    const others = WITHDRAWAL_STATUSES.filter((status) => status !== 'WAITING_FOR_FUNDS');
    fc.assert(
      fc.property(
        fc.constantFrom<WithdrawalStatus>(...others),
        fc.integer({ min: 0, max: 1000 * HOUR_MS }),
        (status, elapsedMs) =>
          fundsWaitExpiry({ status, statusChangedAt: waitingSince }, after(elapsedMs), policy) === null,
      ),
    );
  });

  it('selects exactly the withdrawals the rule would expire: cutoff = now - timeout', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 * HOUR_MS }),
        fc.integer({ min: 1, max: 5 * HOUR_MS }),
        (elapsedMs, timeoutMs) => {
          const now = after(elapsedMs);
          const selected =
            waitingSince.getTime() <= fundsWaitCutoff(now, { fundsWaitTimeoutMs: timeoutMs }).getTime();
          const expired =
            fundsWaitExpiry({ status: 'WAITING_FOR_FUNDS', statusChangedAt: waitingSince }, now, {
              fundsWaitTimeoutMs: timeoutMs,
            }) !== null;
          return selected === expired && expired === elapsedMs >= timeoutMs;
        },
      ),
    );
  });
});
