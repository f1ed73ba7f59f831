// Proves the chain of balances: an entry whose balance_after follows from the previous one (or from
// zero for the first) passes, and a break is reported for the account with the exact arithmetic.
import { expect } from 'chai';
import { checkBalanceAfter, type ChainedEntry } from '../../src/domain/checks/balance-after-continuity.js';

const entry = (overrides: Partial<ChainedEntry> = {}): ChainedEntry => ({
  account: '00000000-0000-4000-8000-000000000001',
  accountType: 'user',
  bucket: 'AVAILABLE',
  entryId: '00000000-0000-4000-8000-0000000000e1',
  seq: '42',
  previousBalanceKoinu: 1_000n,
  debitKoinu: 0n,
  creditKoinu: 250n,
  balanceAfterKoinu: 1_250n,
  ...overrides,
});

describe('balance-after-continuity', () => {
  it('accepts an entry that follows from the previous one, debit or credit', () => {
    expect(checkBalanceAfter(entry())).to.deep.equal([]);
    expect(
      checkBalanceAfter(entry({ creditKoinu: 0n, debitKoinu: 1_000n, balanceAfterKoinu: 0n })),
    ).to.deep.equal([]);
  });

  it("accepts an account's first entry following from zero", () => {
    expect(checkBalanceAfter(entry({ previousBalanceKoinu: 0n, balanceAfterKoinu: 250n }))).to.deep.equal([]);
  });

  it('reports a break with the expected balance, the recorded one and the arithmetic', () => {
    expect(checkBalanceAfter(entry({ balanceAfterKoinu: 1_300n }))).to.deep.equal([
      {
        check: 'balance-after-continuity',
        subjectType: 'user',
        subjectId: '00000000-0000-4000-8000-000000000001',
        expected: '1250',
        actual: '1300',
        detail:
          'AVAILABLE entry 00000000-0000-4000-8000-0000000000e1 (seq 42): previous 1000 + credit 250 - debit 0',
      },
    ]);
  });

  it('names a platform account as the subject of its own break', () => {
    const [found] = checkBalanceAfter(
      entry({
        account: 'MARKETPLACE_FEES',
        accountType: 'platform-account',
        bucket: 'PLATFORM',
        previousBalanceKoinu: -5n,
        creditKoinu: 0n,
        debitKoinu: 5n,
        balanceAfterKoinu: -5n,
      }),
    );
    expect(found).to.include({
      subjectType: 'platform-account',
      subjectId: 'MARKETPLACE_FEES',
      expected: '-10',
    });
  });
});
