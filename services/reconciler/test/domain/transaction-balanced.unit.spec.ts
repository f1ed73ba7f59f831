// Proves double entry per ledger transaction: legs that cancel pass, and a transaction that created
// or destroyed money is reported with its net, sign included.
import { expect } from 'chai';
import { checkTransactionBalanced } from '../../src/domain/checks/transaction-balanced.js';

const TRANSACTION = '00000000-0000-4000-8000-0000000000a1';

describe('transaction-balanced', () => {
  it('accepts a transaction whose credits and debits cancel', () => {
    expect(checkTransactionBalanced({ transactionId: TRANSACTION, netKoinu: 0n })).to.deep.equal([]);
  });

  it('reports money destroyed and money created alike', () => {
    expect(checkTransactionBalanced({ transactionId: TRANSACTION, netKoinu: -2_900_000_000n })).to.deep.equal(
      [
        {
          check: 'transaction-balanced',
          subjectType: 'ledger-transaction',
          subjectId: TRANSACTION,
          expected: '0',
          actual: '-2900000000',
          detail: 'credits minus debits of one ledger transaction',
        },
      ],
    );
    expect(checkTransactionBalanced({ transactionId: TRANSACTION, netKoinu: 1n })[0]).to.include({
      actual: '1',
    });
  });
});
