// Proves that each platform account's balance column must equal the net of its entries, a negative
// account (the chain clearing account) included, and an account without entries must hold nothing.
import { expect } from 'chai';
import { checkPlatformAccount } from '../../src/domain/checks/platform-account-sum.js';

describe('platform-account-sum', () => {
  it('accepts a balance equal to the net of its entries, negative or empty', () => {
    expect(
      checkPlatformAccount({ code: 'MARKETPLACE_FEES', balanceKoinu: 150n, netKoinu: 150n }),
    ).to.deep.equal([]);
    expect(
      checkPlatformAccount({ code: 'CHAIN_CLEARING', balanceKoinu: -900n, netKoinu: -900n }),
    ).to.deep.equal([]);
    expect(checkPlatformAccount({ code: 'NETWORK_FEES', balanceKoinu: 0n, netKoinu: 0n })).to.deep.equal([]);
  });

  it('reports a balance that moved without its entries', () => {
    expect(checkPlatformAccount({ code: 'NETWORK_FEES', balanceKoinu: 10n, netKoinu: 0n })).to.deep.equal([
      {
        check: 'platform-account-sum',
        subjectType: 'platform-account',
        subjectId: 'NETWORK_FEES',
        expected: '0',
        actual: '10',
        detail: 'ledger net vs balance column',
      },
    ]);
  });
});
