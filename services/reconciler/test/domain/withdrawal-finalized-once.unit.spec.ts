// Proves the withdrawal rule between the saga and the wallet: a withdrawal the saga confirmed and the
// wallet finalized once passes however recent (the false positive a fresh stack once showed, when a
// just-confirmed withdrawal was reported as "not confirmed"); each way it can fail is reported with the
// withdrawal id; and work in flight in either direction (the saga confirmed and the wallet has not
// finalized yet, or the wallet finalized while the saga is still at BROADCAST) is forgiven only within
// the grace period, judged by both sides' timestamps.
import { expect } from 'chai';
import {
  checkWithdrawalFinalized,
  type SagaWithdrawal,
  type WalletWithdrawal,
  type WithdrawalPair,
} from '../../src/domain/checks/withdrawal-finalized-once.js';
import { HOUR_AGO, JUST_NOW, WINDOW } from '../support/grace.js';

const ID = '00000000-0000-4000-8000-0000000000a1';

const saga = (status: string, statusChangedAt: Date): SagaWithdrawal => ({ status, statusChangedAt });
const wallet = (status: WalletWithdrawal['status'], updatedAt: Date): WalletWithdrawal => ({
  status,
  updatedAt,
});
const pair = (
  sagaSide: SagaWithdrawal | null,
  walletSide: WalletWithdrawal | null,
  finalizations: number,
): WithdrawalPair => ({ withdrawalId: ID, saga: sagaSide, wallet: walletSide, finalizations });

describe('withdrawal-finalized-once', () => {
  it('accepts a confirmed withdrawal finalized once, and one confirmed and finalized moments ago', () => {
    expect(
      checkWithdrawalFinalized(pair(saga('CONFIRMED', HOUR_AGO), wallet('FINALIZED', HOUR_AGO), 1), WINDOW),
    ).to.deep.equal([]);
    expect(
      checkWithdrawalFinalized(pair(saga('CONFIRMED', JUST_NOW), wallet('FINALIZED', JUST_NOW), 1), WINDOW),
    ).to.deep.equal([]);
  });

  it('has nothing to say about a withdrawal neither side finalized', () => {
    expect(
      checkWithdrawalFinalized(pair(saga('FAILED', HOUR_AGO), wallet('FAILED', HOUR_AGO), 0), WINDOW),
    ).to.deep.equal([]);
    expect(
      checkWithdrawalFinalized(pair(saga('BROADCAST', HOUR_AGO), wallet('REQUESTED', HOUR_AGO), 0), WINDOW),
    ).to.deep.equal([]);
  });

  describe('in flight from the saga to the wallet', () => {
    it('forgives a withdrawal confirmed moments ago that the wallet still has REQUESTED', () => {
      expect(
        checkWithdrawalFinalized(pair(saga('CONFIRMED', JUST_NOW), wallet('REQUESTED', HOUR_AGO), 0), WINDOW),
      ).to.deep.equal([]);
    });

    it('reports it once both sides are older than the grace period', () => {
      expect(
        checkWithdrawalFinalized(pair(saga('CONFIRMED', HOUR_AGO), wallet('REQUESTED', HOUR_AGO), 0), WINDOW),
      ).to.deep.equal([
        {
          check: 'withdrawal-finalized-once',
          subjectType: 'withdrawal',
          subjectId: ID,
          expected: '1 finalization',
          actual: '0 finalization(s)',
          detail: 'saga status CONFIRMED, wallet status REQUESTED',
        },
      ]);
    });
  });

  describe('in flight from the wallet to the saga', () => {
    it('forgives a finalization made moments ago while the saga is still at BROADCAST', () => {
      expect(
        checkWithdrawalFinalized(pair(saga('BROADCAST', HOUR_AGO), wallet('FINALIZED', JUST_NOW), 1), WINDOW),
      ).to.deep.equal([]);
    });

    it('reports it once both sides are older than the grace period', () => {
      expect(
        checkWithdrawalFinalized(pair(saga('BROADCAST', HOUR_AGO), wallet('FINALIZED', HOUR_AGO), 1), WINDOW),
      ).to.deep.equal([
        {
          check: 'withdrawal-finalized-once',
          subjectType: 'withdrawal',
          subjectId: ID,
          expected: '0 finalizations',
          actual: '1 finalization(s)',
          detail: 'saga status BROADCAST, wallet status FINALIZED',
        },
      ]);
    });

    it('never forgives a finalization the saga is not one step away from', () => {
      expect(
        checkWithdrawalFinalized(pair(saga('APPROVED', JUST_NOW), wallet('FINALIZED', JUST_NOW), 1), WINDOW),
      ).to.have.length(1);
      expect(
        checkWithdrawalFinalized(pair(null, wallet('FINALIZED', JUST_NOW), 1), WINDOW)[0]?.detail,
      ).to.equal('saga status none, wallet status FINALIZED');
    });
  });

  it('reports a withdrawal finalized twice, however recent', () => {
    expect(
      checkWithdrawalFinalized(
        pair(saga('CONFIRMED', JUST_NOW), wallet('FINALIZED', JUST_NOW), 2),
        WINDOW,
      )[0],
    ).to.include({
      expected: '1 finalization',
      actual: '2 finalization(s)',
    });
  });

  it('reports a confirmed withdrawal the wallet refunded, or never had, however recent', () => {
    expect(
      checkWithdrawalFinalized(pair(saga('CONFIRMED', JUST_NOW), wallet('FAILED', JUST_NOW), 0), WINDOW)[0]
        ?.detail,
    ).to.equal('saga status CONFIRMED, wallet status FAILED');
    expect(checkWithdrawalFinalized(pair(saga('CONFIRMED', JUST_NOW), null, 0), WINDOW)).to.have.length(1);
  });

  it('reports a request marked FINALIZED without its ledger entry', () => {
    expect(
      checkWithdrawalFinalized(
        pair(saga('CONFIRMED', HOUR_AGO), wallet('FINALIZED', HOUR_AGO), 0),
        WINDOW,
      )[0],
    ).to.include({
      expected: '1 finalization',
      actual: '0 finalization(s)',
    });
  });
});
