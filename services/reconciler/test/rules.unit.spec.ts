// Proves the reconciliation rules themselves: a consistent wallet passes, and each way the seed's
// equation can break is reported with the exact user and both amounts.
import { expect } from 'chai';
import { checkChainCoverage, checkLocked, checkUserLedger, type WalletBalance } from '../src/domain/rules.js';

const wallet = (available: bigint, locked: bigint, pending: bigint): WalletBalance => ({
  userId: '00000000-0000-4000-8000-000000000001',
  availableKoinu: available,
  lockedKoinu: locked,
  pendingKoinu: pending,
});

describe('reconciliation rules', () => {
  it('accepts a wallet whose buckets equal the ledger nets', () => {
    expect(
      checkUserLedger(wallet(700n, 200n, 100n), { AVAILABLE: 700n, LOCKED: 200n, PENDING: 100n }),
    ).to.deep.equal([]);
    expect(checkUserLedger(wallet(0n, 0n, 0n), {})).to.deep.equal([]);
  });

  it('reports a tampered balance with the seed rule and the bucket that moved', () => {
    const findings = checkUserLedger(wallet(900n, 200n, 100n), {
      AVAILABLE: 700n,
      LOCKED: 200n,
      PENDING: 100n,
    });
    expect(findings.map((f) => [f.check, f.expected, f.actual])).to.deep.equal([
      ['user-ledger-sum', '1000', '1200'],
      ['user-bucket-sum', '700', '900'],
    ]);
    expect(findings[0]!.subjectId).to.equal('00000000-0000-4000-8000-000000000001');
  });

  it('catches money moved between buckets without a ledger entry, which the total alone would miss', () => {
    const findings = checkUserLedger(wallet(600n, 300n, 100n), {
      AVAILABLE: 700n,
      LOCKED: 200n,
      PENDING: 100n,
    });
    expect(findings.map((f) => f.check)).to.deep.equal(['user-bucket-sum', 'user-bucket-sum']);
  });

  it('requires the locked bucket to equal open escrow plus active bids', () => {
    expect(checkLocked(wallet(0n, 500n, 0n), 300n, 200n)).to.deep.equal([]);
    const [found] = checkLocked(wallet(0n, 500n, 0n), 400n, 200n);
    expect(found).to.include({ check: 'locked-vs-escrow-and-bids', expected: '600', actual: '500' });
  });

  it('requires on-chain holdings to cover liabilities net of broadcast withdrawals', () => {
    expect(checkChainCoverage(1_000n, 1_200n, 200n)).to.deep.equal([]);
    const [found] = checkChainCoverage(999n, 1_200n, 200n);
    expect(found).to.include({ check: 'chain-covers-liabilities', expected: '>= 1000', actual: '999' });
  });
});
