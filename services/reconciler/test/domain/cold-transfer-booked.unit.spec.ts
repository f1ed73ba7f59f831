// Proves the rule between the saga's moves of custody (sweeps to cold, refills from cold) and the
// wallet's books: each one the saga completed is booked once with its amount and miner fee; a booking
// the saga never made, a second booking or another amount is reported with the transfer named; a
// transfer still on its way to the wallet is forgiven only within the grace period.
import { expect } from 'chai';
import {
  checkColdTransferBooked,
  type ColdTransferPair,
  type ColdTransferSide,
} from '../../src/domain/checks/cold-transfer-booked.js';
import { HOUR_AGO, JUST_NOW, WINDOW } from '../support/grace.js';

const TXID = 'ab'.repeat(32);
const side = (amountKoinu: bigint, minerFeeKoinu: bigint, at: Date): ColdTransferSide => ({
  amountKoinu,
  minerFeeKoinu,
  at,
});
const sweep = (
  saga: ColdTransferSide | null,
  wallet: (ColdTransferSide & { transactions: number }) | null,
): ColdTransferPair => ({ kind: 'SWEEP', reference: TXID, saga, wallet });
const booked = (amountKoinu: bigint, minerFeeKoinu: bigint, transactions = 1) => ({
  ...side(amountKoinu, minerFeeKoinu, HOUR_AGO),
  transactions,
});

describe('cold-transfer-booked', () => {
  it('accepts a sweep booked once with its amount and miner fee, and a refill booked once', () => {
    expect(
      checkColdTransferBooked(sweep(side(18_000n, 226n, HOUR_AGO), booked(18_000n, 226n)), WINDOW),
    ).to.eql([]);
    const refill: ColdTransferPair = {
      kind: 'REFILL',
      reference: `${TXID}:1`,
      saga: side(5_000n, 0n, HOUR_AGO),
      wallet: booked(5_000n, 0n),
    };
    expect(checkColdTransferBooked(refill, WINDOW)).to.eql([]);
  });

  it('forgives a sweep confirmed moments ago that the wallet has not booked yet, and reports it later', () => {
    expect(checkColdTransferBooked(sweep(side(18_000n, 226n, JUST_NOW), null), WINDOW)).to.eql([]);
    expect(checkColdTransferBooked(sweep(side(18_000n, 226n, HOUR_AGO), null), WINDOW)).to.eql([
      {
        check: 'cold-transfer-booked',
        subjectType: 'chain',
        subjectId: `sweep:${TXID}`,
        expected: '18000 (miner fee 226)',
        actual: 'none',
        detail: `SWEEP ${TXID}: saga completed it, wallet not booked`,
      },
    ]);
  });

  it('reports a booking the saga never made, however recent', () => {
    const [found] = checkColdTransferBooked(sweep(null, { ...booked(18_000n, 226n), at: JUST_NOW }), WINDOW);
    expect(found?.expected).to.equal('no booking (the saga made no such transfer)');
    expect(found?.actual).to.equal('18000 (miner fee 226)');
  });

  it('reports a second booking, another amount or another miner fee', () => {
    const saga = side(18_000n, 226n, JUST_NOW);
    for (const wallet of [booked(36_000n, 452n, 2), booked(17_999n, 226n), booked(18_000n, 0n)]) {
      const [found] = checkColdTransferBooked(sweep(saga, wallet), WINDOW);
      expect(
        found?.subjectId,
        JSON.stringify(wallet, (_, v: unknown) => String(v)),
      ).to.equal(`sweep:${TXID}`);
    }
  });
});
