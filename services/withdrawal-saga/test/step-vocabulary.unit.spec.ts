// Proves the saga's vocabulary holds together: each fraud outcome opens a withdrawal with the step named
// for the status it creates, every step that fails a withdrawal carries exactly its own withdrawal.failed
// codes (and no other step carries any), the failure codes are the documented reasonCode values, and
// the functions that record a step accept only a name from the vocabulary (checked by tsc, which the
// gate runs over this file: a recorder widened to `string` makes the @ts-expect-error lines fail).
import { expect } from 'chai';
import type { Knex } from 'knex';
import { FRAUD_OUTCOMES } from '../src/domain/fraud.js';
import {
  assertFailureFits,
  FAILURE_CODES,
  FRAUD_OPENING_STEP,
  isOpeningStep,
  MOVES,
  OPENING_STEPS,
  STEP_NAMES,
  WITHDRAWAL_FAILURE_CODES,
  WithdrawalInvariantViolation,
  type StepName,
  type Withdrawal,
  type WithdrawalOpening,
  type WithdrawalStatus,
} from '../src/domain/withdrawal.js';
import { insertWithdrawal, moveWithdrawal } from '../src/adapters/db/withdrawals.js';
import { recordStep, type StepListener } from '../src/adapters/db/steps.js';

function statusAfter(step: StepName): WithdrawalStatus {
  return isOpeningStep(step) ? OPENING_STEPS[step] : MOVES[step].to;
}

describe('withdrawal step vocabulary', () => {
  it('opens each fraud outcome with the step named for the status it creates', () => {
    const opened = FRAUD_OUTCOMES.map((outcome) => {
      const step = FRAUD_OPENING_STEP[outcome];
      return [outcome, step, OPENING_STEPS[step]];
    });
    expect(opened).to.deep.equal([
      ['approve', 'FRAUD_APPROVED', 'APPROVED'],
      ['hold', 'FRAUD_HELD', 'HELD'],
      ['cool-down', 'FRAUD_COOLING_DOWN', 'COOLING_DOWN'],
      ['reject', 'FRAUD_REJECTED', 'FAILED'],
    ]);
  });

  it('lists every step once, opening steps first', () => {
    expect(STEP_NAMES).to.deep.equal([
      'REQUEST_REFUSED',
      'FRAUD_APPROVED',
      'FRAUD_HELD',
      'FRAUD_COOLING_DOWN',
      'FRAUD_REJECTED',
      'REVIEW_APPROVED',
      'REVIEW_REJECTED',
      'COOL_DOWN_ELAPSED',
      'FUNDS_SHORT',
      'FUNDS_WAIT_EXPIRED',
      'BATCHED',
      'BATCH_CANCELLED',
      'SIGNED',
      'SIGNER_REFUSED',
      'BROADCAST',
      'CONFIRMED',
      'DROPPED_BY_NETWORK',
    ]);
  });

  it('gives failure codes to exactly the steps into FAILED', () => {
    const failing = STEP_NAMES.filter((step) => statusAfter(step) === 'FAILED');
    expect(Object.keys(FAILURE_CODES)).to.have.members(failing);
    expect(failing).to.have.length(6);
  });

  it('has exactly the documented reasonCode values of withdrawal.failed, each owned by one step', () => {
    expect(WITHDRAWAL_FAILURE_CODES).to.have.members([
      'WITHDRAWAL_REJECTED_BY_FRAUD_RULES',
      'WITHDRAWAL_REJECTED_IN_REVIEW',
      'WITHDRAWAL_SIGNER_REFUSED',
      'WITHDRAWAL_DROPPED_BY_NETWORK',
      'WITHDRAWAL_FUNDS_WAIT_EXPIRED',
      'WITHDRAWAL_ADDRESS_INVALID',
      'WITHDRAWAL_AMOUNT_INVALID',
      'WITHDRAWAL_AMOUNT_BELOW_DUST',
    ]);
    expect(new Set(WITHDRAWAL_FAILURE_CODES).size).to.equal(WITHDRAWAL_FAILURE_CODES.length);
  });

  it('refuses a step into FAILED without its own code, and a failure on any other step', () => {
    const reason = 'why';
    expect(() => assertFailureFits('SIGNER_REFUSED', 'FAILED', null)).to.throw(WithdrawalInvariantViolation);
    expect(() =>
      assertFailureFits('SIGNER_REFUSED', 'FAILED', { code: 'WITHDRAWAL_REJECTED_IN_REVIEW', reason }),
    ).to.throw(WithdrawalInvariantViolation);
    expect(() =>
      assertFailureFits('BATCHED', 'AWAITING_SIGNATURE', { code: 'WITHDRAWAL_SIGNER_REFUSED', reason }),
    ).to.throw(WithdrawalInvariantViolation);
    expect(() =>
      assertFailureFits('SIGNER_REFUSED', 'FAILED', { code: 'WITHDRAWAL_SIGNER_REFUSED', reason }),
    ).not.to.throw();
    expect(() => assertFailureFits('BATCHED', 'AWAITING_SIGNATURE', null)).not.to.throw();
  });

  it('records steps only under names from the vocabulary (by type)', () => {
    // Never called: only tsc reads these lines. Each names a step the way the old code built it.
    const onStep: StepListener = () => Promise.resolve();
    const recorders = [
      (trx: Knex.Transaction, withdrawal: Withdrawal) =>
        // @ts-expect-error FRAUD_APPROVE was built from the fraud outcome's text; the step is FRAUD_APPROVED.
        moveWithdrawal(trx, withdrawal, 'FRAUD_APPROVE', onStep),
      (trx: Knex.Transaction, withdrawal: Withdrawal) =>
        // @ts-expect-error an opening step cannot move an existing withdrawal.
        moveWithdrawal(trx, withdrawal, 'FRAUD_APPROVED', onStep),
      (trx: Knex.Transaction, opening: WithdrawalOpening) =>
        // @ts-expect-error a withdrawal opens only with an opening step.
        insertWithdrawal(trx, { ...opening, step: 'BATCHED' }, onStep),
      (trx: Knex.Transaction, built: string) =>
        // @ts-expect-error any string is not a step name.
        recordStep(trx, { withdrawalId: 'w', step: built, fromStatus: null, toStatus: 'FAILED', detail: {} }),
    ];
    expect(recorders).to.have.length(4);
  });
});
