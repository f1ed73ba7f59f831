// Proves the withdrawal state machine allows only the saga's legal moves: nothing leaves a terminal
// status, a signed withdrawal can only be broadcast (never re-batched), and every path ends in
// CONFIRMED or FAILED.
import { expect } from 'chai';
import fc from 'fast-check';
import {
  canTransition,
  transition,
  WITHDRAWAL_STATUSES,
  WithdrawalInvariantError,
  type WithdrawalEventType,
  type WithdrawalStatus,
} from '../src/domain/withdrawal.js';

const EVENTS: WithdrawalEventType[] = [
  'FRAUD_APPROVED',
  'FRAUD_HELD',
  'FRAUD_COOLING_DOWN',
  'FRAUD_REJECTED',
  'REVIEW_APPROVED',
  'REVIEW_REJECTED',
  'COOL_DOWN_ELAPSED',
  'FUNDS_SHORT',
  'BATCHED',
  'BATCH_CANCELLED',
  'SIGNED',
  'SIGNER_REFUSED',
  'BROADCAST',
  'CONFIRMED',
  'DROPPED_BY_NETWORK',
];

describe('withdrawal state machine', () => {
  it('walks the happy path from approval to confirmation', () => {
    let status: WithdrawalStatus = 'APPROVED';
    for (const event of ['FUNDS_SHORT', 'BATCHED', 'SIGNED', 'BROADCAST', 'CONFIRMED'] as const)
      status = transition(status, event);
    expect(status).to.equal('CONFIRMED');
  });

  it('lets a reviewer decide held and cooling-down withdrawals only', () => {
    expect(transition('HELD', 'REVIEW_APPROVED')).to.equal('APPROVED');
    expect(transition('COOLING_DOWN', 'REVIEW_REJECTED')).to.equal('FAILED');
    expect(() => transition('APPROVED', 'REVIEW_REJECTED')).to.throw(WithdrawalInvariantError);
    expect(() => transition('BROADCAST', 'REVIEW_REJECTED')).to.throw(WithdrawalInvariantError);
  });

  it('never moves a signed withdrawal back into batching', () => {
    expect(canTransition('SIGNED', 'BATCH_CANCELLED')).to.equal(false);
    expect(canTransition('SIGNED', 'BATCHED')).to.equal(false);
    expect(canTransition('BROADCAST', 'SIGNER_REFUSED')).to.equal(false);
  });

  it('never leaves a terminal status, whatever happens', () => {
    for (const terminal of ['CONFIRMED', 'FAILED'] as const) {
      for (const event of EVENTS)
        expect(canTransition(terminal, event), `${terminal} ${event}`).to.equal(false);
    }
  });

  it('confirms at most once along any sequence of events', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...WITHDRAWAL_STATUSES),
        fc.array(fc.constantFrom(...EVENTS), { maxLength: 40 }),
        (start, events) => {
          let status = start;
          let confirmations = 0;
          for (const event of events) {
            if (!canTransition(status, event)) continue;
            status = transition(status, event);
            if (event === 'CONFIRMED') confirmations += 1;
          }
          return confirmations <= 1;
        },
      ),
    );
  });
});
