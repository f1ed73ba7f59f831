// Proves the seed's per-user rule: a wallet whose buckets equal its ledger nets passes, a tampered
// balance is reported with the exact user and both amounts, and money moved between buckets without
// a ledger entry is caught per bucket even though the total still holds.
import { expect } from 'chai';
import type { WalletBalance } from '../../src/domain/book.js';
import { checkUserLedger } from '../../src/domain/checks/user-ledger.js';

const USER = '00000000-0000-4000-8000-000000000001';
const wallet = (available: bigint, locked: bigint, pending: bigint): WalletBalance => ({
  userId: USER,
  availableKoinu: available,
  lockedKoinu: locked,
  pendingKoinu: pending,
});

describe('user-ledger-sum and user-bucket-sum', () => {
  it('accepts a wallet whose buckets equal the ledger nets, and an empty wallet without entries', () => {
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
    expect(
      findings.map((f) => [f.check, f.subjectType, f.subjectId, f.expected, f.actual, f.detail]),
    ).to.deep.equal([
      [
        'user-ledger-sum',
        'user',
        USER,
        '1000',
        '1200',
        'SUM(credit) - SUM(debit) of the ledger vs available + locked + pending',
      ],
      ['user-bucket-sum', 'user', USER, '700', '900', 'AVAILABLE: ledger net vs balance column'],
    ]);
  });

  it('catches money moved between buckets without a ledger entry, which the total alone would miss', () => {
    const findings = checkUserLedger(wallet(600n, 300n, 100n), {
      AVAILABLE: 700n,
      LOCKED: 200n,
      PENDING: 100n,
    });
    expect(findings.map((f) => [f.check, f.detail])).to.deep.equal([
      ['user-bucket-sum', 'AVAILABLE: ledger net vs balance column'],
      ['user-bucket-sum', 'LOCKED: ledger net vs balance column'],
    ]);
  });

  it('reports a balance that has no entries behind it at all', () => {
    const findings = checkUserLedger(wallet(0n, 0n, 1n), {});
    expect(findings.map((f) => [f.check, f.expected, f.actual])).to.deep.equal([
      ['user-ledger-sum', '0', '1'],
      ['user-bucket-sum', '0', '1'],
    ]);
  });
});
