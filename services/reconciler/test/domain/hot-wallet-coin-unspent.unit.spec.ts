// Proves the hot-wallet coin rule: a coin unspent on the node with the saga's value passes; a coin the
// node says is spent or unknown, or holds with another value, is reported with both amounts.
import { expect } from 'chai';
import { checkHotWalletCoin, type HotWalletCoin } from '../../src/domain/checks/hot-wallet-coin-unspent.js';

const coin: HotWalletCoin = {
  txid: 'ab'.repeat(32),
  vout: 1,
  amountKoinu: 10_000_000_000n,
  status: 'AVAILABLE',
};

describe('hot-wallet-coin-unspent', () => {
  it('accepts a coin unspent on the node with the value the saga holds', () => {
    expect(checkHotWalletCoin(coin, 10_000_000_000n)).to.deep.equal([]);
  });

  it("reports a coin spent behind the platform's back, naming the saga status", () => {
    expect(checkHotWalletCoin(coin, null)).to.deep.equal([
      {
        check: 'hot-wallet-coin-unspent',
        subjectType: 'coin',
        subjectId: `${'ab'.repeat(32)}:1`,
        expected: '10000000000',
        actual: '0',
        detail: 'saga holds it as AVAILABLE; the node says it is spent or unknown',
      },
    ]);
  });

  it('reports a coin whose value on chain differs from the saga record', () => {
    expect(checkHotWalletCoin(coin, 9_999_999_999n)[0]).to.include({
      expected: '10000000000',
      actual: '9999999999',
      detail: 'amount the saga holds vs value on chain',
    });
  });
});
