// Proves coin selection and the batch plan keep the money exact (inputs = payments + change + fee to
// the koinu), never create dust change, pay at least the recommended rate on the largest possible
// signed size, share the fee without losing a koinu, and leave what cannot be covered waiting.
import { expect } from 'chai';
import fc from 'fast-check';
import { estimateSignedP2pkhSize, feeForSize, SOFT_DUST_LIMIT_KOINU } from '@dbay/dogecoin';
import { selectCoins, type Coin, type Payment } from '../src/domain/coin-selection.js';
import { planBatch, shareFee, type BatchPolicy, type Candidate } from '../src/domain/batch-plan.js';

const DOGE = 100_000_000n;
const policy: BatchPolicy = {
  feeRateKoinuPerKb: 1_000_000n,
  maxFeeRateKoinuPerKb: 2_000_000n,
  maxInputs: 50,
  maxPreviousTxBytes: 600_000,
  maxWithdrawalsPerBatch: 10,
  batchWindowMs: 0,
};
const coin = (n: number, amountKoinu: bigint, previousTxBytes = 226): Coin => ({
  txid: n.toString(16).padStart(64, '0'),
  vout: n % 3,
  amountKoinu,
  previousTxBytes,
});
const pay = (id: string, amountKoinu: bigint): Payment => ({
  withdrawalId: id,
  amountKoinu,
  scriptLength: 25,
});
const total = (coins: readonly Coin[]) => coins.reduce((s, c) => s + c.amountKoinu, 0n);

describe('coin selection', () => {
  it('prices one input, one payment and change at 226 bytes, 226,000 koinu', () => {
    const result = selectCoins([coin(1, 100n * DOGE)], [pay('w', 10n * DOGE)], policy);
    if (!result.ok) throw new Error('should select');
    expect(result.selection.estimatedSizeBytes).to.equal(10 + 148 + 2 * 34);
    expect(result.selection.feeKoinu).to.equal(226_000n);
    expect(result.selection.changeKoinu).to.equal(90n * DOGE - 226_000n);
  });

  it('prefers the smallest single coin that pays everything', () => {
    const coins = [coin(1, 1000n * DOGE), coin(2, 20n * DOGE), coin(3, 11n * DOGE)];
    const result = selectCoins(coins, [pay('w', 10n * DOGE)], policy);
    if (!result.ok) throw new Error('should select');
    expect(result.selection.inputs.map((c) => c.amountKoinu)).to.deep.equal([11n * DOGE]);
  });

  it('sends change below the soft dust limit to the fee while the rate stays within the signer maximum', () => {
    const fee = feeForSize(estimateSignedP2pkhSize(1, [25]));
    const result = selectCoins([coin(1, 10n * DOGE + 2n * fee)], [pay('w', 10n * DOGE)], policy);
    if (!result.ok) throw new Error('should select');
    expect(result.selection.changeKoinu).to.equal(0n);
    expect(result.selection.feeKoinu).to.equal(2n * fee);
  });

  it('adds a coin rather than burn small change above the maximum fee rate', () => {
    const fee = feeForSize(estimateSignedP2pkhSize(1, [25]));
    const odd = coin(1, 10n * DOGE + fee + SOFT_DUST_LIMIT_KOINU - 1n);
    expect(selectCoins([odd], [pay('w', 10n * DOGE)], policy).ok).to.equal(false);
    const result = selectCoins([odd, coin(2, 5n * DOGE)], [pay('w', 10n * DOGE)], policy);
    if (!result.ok) throw new Error('should select');
    expect(result.selection.inputs).to.have.length(2);
    expect(result.selection.changeKoinu >= SOFT_DUST_LIMIT_KOINU).to.equal(true);
  });

  it('never pays an output below the soft dust limit', () => {
    expect(() => selectCoins([coin(1, 10n * DOGE)], [pay('w', SOFT_DUST_LIMIT_KOINU - 1n)], policy)).to.throw(
      /soft dust/,
    );
  });

  it('keeps the previous transactions a PSBT carries under the budget, so the signing request fits in Kafka', () => {
    // Ten 10 DOGE coins from 110 kB payouts: only five fit in 600 kB, so a 60 DOGE payment takes the
    // five big-payout coins it can and the small-transaction coins for the rest.
    const heavy = Array.from({ length: 10 }, (_, i) => coin(i + 1, 10n * DOGE, 110_000));
    const light = Array.from({ length: 3 }, (_, i) => coin(100 + i, 5n * DOGE));
    const result = selectCoins([...heavy, ...light], [pay('w', 60n * DOGE)], policy);
    expect(result.ok).to.equal(true);
    const inputs = result.ok ? result.selection.inputs : [];
    expect(inputs.reduce((sum, c) => sum + c.previousTxBytes, 0)).to.be.at.most(600_000);
    expect(inputs.filter((c) => c.previousTxBytes === 110_000)).to.have.length(5);
    expect(total(inputs) >= 60n * DOGE).to.equal(true);
    // A coin whose own transaction is over the budget is never picked, even alone.
    const lone = selectCoins([coin(7, 100n * DOGE, 700_000)], [pay('w', DOGE)], policy);
    expect(lone.ok).to.equal(false);
  });

  it('reports the shortfall when the coins cannot cover the payment and its fee', () => {
    const result = selectCoins([coin(1, 10n * DOGE)], [pay('w', 10n * DOGE)], policy);
    expect(result.ok).to.equal(false);
    if (result.ok) return;
    expect(result.shortfallKoinu).to.equal(feeForSize(estimateSignedP2pkhSize(1, [25])));
  });

  it('keeps every koinu accounted for, never makes dust change, and never underpays (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 100_000n, max: 50_000n * DOGE }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.bigInt({ min: SOFT_DUST_LIMIT_KOINU, max: 5_000n * DOGE }), {
          minLength: 1,
          maxLength: 8,
        }),
        (coinAmounts, paymentAmounts) => {
          const coins = coinAmounts.map((amount, index) => coin(index, amount));
          const payments = paymentAmounts.map((amount, index) => pay(`w${index}`, amount));
          const result = selectCoins(coins, payments, policy);
          const paid = payments.reduce((s, p) => s + p.amountKoinu, 0n);
          if (!result.ok) {
            // Failing is only allowed when all coins together cannot pay the payments with change
            // worth keeping (or exactly within the maximum rate).
            const allFee = feeForSize(estimateSignedP2pkhSize(coins.length, [...payments.map(() => 25), 25]));
            return total(coins) < paid + allFee + SOFT_DUST_LIMIT_KOINU;
          }
          const { inputs, changeKoinu, feeKoinu, estimatedSizeBytes } = result.selection;
          const outputs = payments.length + (changeKoinu > 0n ? 1 : 0);
          return (
            total(inputs) === paid + changeKoinu + feeKoinu &&
            (changeKoinu === 0n || changeKoinu >= SOFT_DUST_LIMIT_KOINU) &&
            estimatedSizeBytes ===
              estimateSignedP2pkhSize(
                inputs.length,
                Array.from({ length: outputs }, () => 25),
              ) &&
            feeKoinu >= feeForSize(estimatedSizeBytes) &&
            // Overpayment only ever comes from change too small to keep, and stays within the signer's maximum rate.
            feeKoinu <= feeForSize(estimatedSizeBytes, 2_000_000n) &&
            new Set(inputs.map((c) => `${c.txid}:${c.vout}`)).size === inputs.length
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('batch plan', () => {
  const now = new Date('2026-01-01T00:10:00Z');
  const candidate = (id: string, amountKoinu: bigint, minutesAgo: number): Candidate => ({
    ...pay(id, amountKoinu),
    approvedAt: new Date(now.getTime() - minutesAgo * 60_000),
  });

  it('shares the fee so the shares add up to the fee exactly', () => {
    expect(shareFee(1_000_001n, 3)).to.deep.equal([333_334n, 333_334n, 333_333n]);
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.integer({ min: 1, max: 100 }), (fee, count) => {
        const shares = shareFee(fee, count);
        return (
          shares.reduce((s, v) => s + v, 0n) === fee &&
          shares.every((s) => s === fee / BigInt(count) || s === fee / BigInt(count) + 1n)
        );
      }),
    );
  });

  it('pays several withdrawals in one transaction, oldest first', () => {
    const result = planBatch(
      [candidate('b', 5n * DOGE, 1), candidate('a', 7n * DOGE, 2)],
      [coin(1, 100n * DOGE)],
      policy,
      now,
    );
    if (result.kind !== 'batch') throw new Error(result.kind);
    expect(result.plan.payments.map((p) => p.withdrawalId)).to.deep.equal(['a', 'b']);
    expect(result.plan.selection.estimatedSizeBytes).to.equal(10 + 148 + 3 * 34);
  });

  it('keeps the batching window open until the oldest withdrawal waited long enough', () => {
    const windowed = { ...policy, batchWindowMs: 5 * 60_000 };
    expect(planBatch([candidate('a', DOGE, 1)], [coin(1, 100n * DOGE)], windowed, now).kind).to.equal(
      'window-open',
    );
    expect(planBatch([candidate('a', DOGE, 6)], [coin(1, 100n * DOGE)], windowed, now).kind).to.equal(
      'batch',
    );
  });

  it('leaves a withdrawal the hot wallet cannot cover waiting while smaller ones go ahead', () => {
    const result = planBatch(
      [candidate('big', 500n * DOGE, 3), candidate('small', 5n * DOGE, 1)],
      [coin(1, 100n * DOGE)],
      policy,
      now,
    );
    if (result.kind !== 'batch') throw new Error(result.kind);
    expect(result.plan.payments.map((p) => p.withdrawalId)).to.deep.equal(['small']);
    expect(result.plan.waitingForFunds).to.deep.equal(['big']);
    expect(planBatch([candidate('big', 500n * DOGE, 3)], [], policy, now)).to.deep.equal({
      kind: 'all-waiting-for-funds',
      waitingForFunds: ['big'],
    });
  });

  it('saves fee by batching: one transaction for n payments costs less than n transactions', () => {
    const coins = Array.from({ length: 10 }, (_, i) => coin(i, 1000n * DOGE));
    const candidates = Array.from({ length: 10 }, (_, i) => candidate(`w${i}`, 10n * DOGE, 10 - i));
    const batched = planBatch(candidates, coins, policy, now);
    if (batched.kind !== 'batch') throw new Error(batched.kind);
    const single = selectCoins(coins, [pay('w', 10n * DOGE)], policy);
    if (!single.ok) throw new Error('should select');
    expect(batched.plan.selection.feeKoinu).to.equal(feeForSize(10 + 148 + 11 * 34));
    expect(batched.plan.selection.feeKoinu < 10n * single.selection.feeKoinu).to.equal(true);
  });
});
