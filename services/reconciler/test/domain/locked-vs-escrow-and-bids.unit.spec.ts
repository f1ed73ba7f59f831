// Proves that the locked bucket must hold exactly the buyer's open escrow plus the active bid locks:
// equal passes, and any difference either way is reported with both amounts and their parts.
import { expect } from 'chai';
import type { WalletBalance } from '../../src/domain/book.js';
import { checkLocked } from '../../src/domain/checks/locked-vs-escrow-and-bids.js';

const USER = '00000000-0000-4000-8000-000000000001';
const lockedWallet = (locked: bigint): WalletBalance => ({
  userId: USER,
  availableKoinu: 0n,
  lockedKoinu: locked,
  pendingKoinu: 0n,
});

describe('locked-vs-escrow-and-bids', () => {
  it('accepts locked = open escrow + active bids, including nothing at all', () => {
    expect(checkLocked(lockedWallet(500n), 300n, 200n)).to.deep.equal([]);
    expect(checkLocked(lockedWallet(0n), 0n, 0n)).to.deep.equal([]);
  });

  it('reports escrow that the locked bucket does not hold', () => {
    expect(checkLocked(lockedWallet(500n), 400n, 200n)).to.deep.equal([
      {
        check: 'locked-vs-escrow-and-bids',
        subjectType: 'user',
        subjectId: USER,
        expected: '600',
        actual: '500',
        detail: 'open escrow 400 + active bid locks 200 vs locked bucket',
      },
    ]);
  });

  it('reports locked money that neither an escrow nor a bid explains', () => {
    const [found] = checkLocked(lockedWallet(501n), 300n, 200n);
    expect(found).to.include({ expected: '500', actual: '501' });
  });
});
