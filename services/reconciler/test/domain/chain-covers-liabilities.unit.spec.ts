// Proves that on-chain holdings (hot and cold) must cover what users hold, less withdrawals already
// broadcast but not yet finalized: exactly enough passes, one koinu short is reported with the sums.
import { expect } from 'chai';
import { checkChainCoverage } from '../../src/domain/checks/chain-covers-liabilities.js';

describe('chain-covers-liabilities', () => {
  it('accepts holdings that cover the liabilities, exactly or with room to spare', () => {
    expect(checkChainCoverage(1_000n, 1_000n, 0n)).to.deep.equal([]);
    expect(checkChainCoverage(5_000n, 1_000n, 0n)).to.deep.equal([]);
  });

  it('counts withdrawals whose coins already left the hot wallet as covered', () => {
    expect(checkChainCoverage(1_000n, 1_200n, 200n)).to.deep.equal([]);
  });

  it('reports a shortfall of one koinu with the required amount and what is held', () => {
    expect(checkChainCoverage(999n, 1_200n, 200n)).to.deep.equal([
      {
        check: 'chain-covers-liabilities',
        subjectType: 'chain',
        subjectId: 'hot-wallet',
        expected: '>= 1000',
        actual: '999',
        detail:
          'unspent hot (999) and cold (0) outputs on the node vs user liabilities 1200 less in-flight withdrawals 200',
      },
    ]);
  });

  it('counts the cold account with the hot wallet, and reports both sums when they fall short', () => {
    expect(checkChainCoverage(400n, 1_000n, 0n, 600n)).to.deep.equal([]);
    expect(checkChainCoverage(400n, 1_000n, 0n, 599n)[0]).to.include({
      actual: '999',
      detail:
        'unspent hot (400) and cold (599) outputs on the node vs user liabilities 1000 less in-flight withdrawals 0',
    });
  });
});
