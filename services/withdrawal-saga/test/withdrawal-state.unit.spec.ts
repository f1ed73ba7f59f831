// Proves the withdrawal state machine allows exactly the saga's legal moves and no other: the table
// below is the spec, written out by hand, so any change to the machine must change it too. Nothing
// leaves a terminal status, a signed withdrawal can only be broadcast (never re-batched), opening steps
// never apply to an existing withdrawal, and no sequence of steps confirms a withdrawal twice.
import { expect } from 'chai';
import fc from 'fast-check';
import {
  canTransition,
  STEP_NAMES,
  transition,
  WITHDRAWAL_STATUSES,
  WithdrawalInvariantViolation,
  type StepName,
  type WithdrawalStatus,
} from '../src/domain/withdrawal.js';

const LEGAL: readonly [from: WithdrawalStatus, step: StepName, to: WithdrawalStatus][] = [
  ['HELD', 'REVIEW_APPROVED', 'APPROVED'],
  ['COOLING_DOWN', 'REVIEW_APPROVED', 'APPROVED'],
  ['HELD', 'REVIEW_REJECTED', 'FAILED'],
  ['COOLING_DOWN', 'REVIEW_REJECTED', 'FAILED'],
  ['COOLING_DOWN', 'COOL_DOWN_ELAPSED', 'APPROVED'],
  ['APPROVED', 'FUNDS_SHORT', 'WAITING_FOR_FUNDS'],
  ['WAITING_FOR_FUNDS', 'FUNDS_SHORT', 'WAITING_FOR_FUNDS'],
  ['WAITING_FOR_FUNDS', 'FUNDS_WAIT_EXPIRED', 'FAILED'],
  ['APPROVED', 'BATCHED', 'AWAITING_SIGNATURE'],
  ['WAITING_FOR_FUNDS', 'BATCHED', 'AWAITING_SIGNATURE'],
  ['AWAITING_SIGNATURE', 'BATCH_CANCELLED', 'APPROVED'],
  ['AWAITING_SIGNATURE', 'SIGNED', 'SIGNED'],
  ['AWAITING_SIGNATURE', 'SIGNER_REFUSED', 'FAILED'],
  ['SIGNED', 'BROADCAST', 'BROADCAST'],
  ['BROADCAST', 'CONFIRMED', 'CONFIRMED'],
  ['SIGNED', 'DROPPED_BY_NETWORK', 'FAILED'],
  ['BROADCAST', 'DROPPED_BY_NETWORK', 'FAILED'],
];

function legalTarget(from: WithdrawalStatus, step: StepName): WithdrawalStatus | undefined {
  return LEGAL.find(([legalFrom, legalStep]) => legalFrom === from && legalStep === step)?.[2];
}

describe('withdrawal state machine', () => {
  it('allows every legal transition, to its status', () => {
    for (const [from, step, to] of LEGAL) expect(transition(from, step), `${from} ${step}`).to.equal(to);
  });

  it('refuses every other status and step pair', () => {
    for (const from of WITHDRAWAL_STATUSES) {
      for (const step of STEP_NAMES) {
        if (legalTarget(from, step) !== undefined) continue;
        expect(canTransition(from, step), `${from} ${step}`).to.equal(false);
        expect(() => transition(from, step), `${from} ${step}`).to.throw(WithdrawalInvariantViolation);
      }
    }
  });

  it('refuses the moves that would pay twice or undo a decision', () => {
    expect(() => transition('SIGNED', 'BATCH_CANCELLED')).to.throw(WithdrawalInvariantViolation, /SIGNED/);
    expect(() => transition('SIGNED', 'BATCHED')).to.throw(WithdrawalInvariantViolation);
    expect(() => transition('BROADCAST', 'SIGNER_REFUSED')).to.throw(WithdrawalInvariantViolation);
    expect(() => transition('CONFIRMED', 'CONFIRMED')).to.throw(WithdrawalInvariantViolation);
    expect(() => transition('FAILED', 'REVIEW_APPROVED')).to.throw(WithdrawalInvariantViolation);
    expect(() => transition('APPROVED', 'REVIEW_REJECTED')).to.throw(WithdrawalInvariantViolation);
    expect(() => transition('HELD', 'FRAUD_APPROVED')).to.throw(WithdrawalInvariantViolation);
  });

  it('walks the happy path from approval to confirmation', () => {
    let status: WithdrawalStatus = 'APPROVED';
    for (const step of ['FUNDS_SHORT', 'BATCHED', 'SIGNED', 'BROADCAST', 'CONFIRMED'] as const)
      status = transition(status, step);
    expect(status).to.equal('CONFIRMED');
  });

  it('never leaves a terminal status, whatever happens', () => {
    for (const terminal of ['CONFIRMED', 'FAILED'] as const) {
      for (const step of STEP_NAMES)
        expect(canTransition(terminal, step), `${terminal} ${step}`).to.equal(false);
    }
  });

  it('confirms at most once along any sequence of steps', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...WITHDRAWAL_STATUSES),
        fc.array(fc.constantFrom(...STEP_NAMES), { maxLength: 40 }),
        (start, steps) => {
          let status = start;
          let confirmations = 0;
          for (const step of steps) {
            if (!canTransition(status, step)) continue;
            status = transition(status, step);
            if (step === 'CONFIRMED') confirmations += 1;
          }
          return confirmations <= 1;
        },
      ),
    );
  });
});
