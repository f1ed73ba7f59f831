// Proves the whole book's double entry: every balance and every entry nets to zero, and each of the
// two sums that does not is reported on its own.
import { expect } from 'chai';
import { checkLedgerZeroSum } from '../../src/domain/checks/ledger-zero-sum.js';

describe('ledger-zero-sum', () => {
  it('accepts a book whose balances and entries both net to zero', () => {
    expect(checkLedgerZeroSum({ balancesKoinu: 0n, entriesNetKoinu: 0n })).to.deep.equal([]);
  });

  it('reports balances that no longer sum to zero, and entries that do not', () => {
    expect(
      checkLedgerZeroSum({ balancesKoinu: 750_000_000n, entriesNetKoinu: 0n }).map((f) => [
        f.subjectId,
        f.actual,
      ]),
    ).to.deep.equal([['balances', '750000000']]);
    expect(checkLedgerZeroSum({ balancesKoinu: 0n, entriesNetKoinu: -3n })).to.deep.equal([
      {
        check: 'ledger-zero-sum',
        subjectType: 'ledger',
        subjectId: 'entries',
        expected: '0',
        actual: '-3',
        detail: 'sum of credits minus debits of every entry',
      },
    ]);
  });

  it('reports both sums when both are off', () => {
    expect(
      checkLedgerZeroSum({ balancesKoinu: 1n, entriesNetKoinu: 1n }).map((f) => f.subjectId),
    ).to.deep.equal(['balances', 'entries']);
  });
});
