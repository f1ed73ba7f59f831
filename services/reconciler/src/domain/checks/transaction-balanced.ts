/** `transaction-balanced`: the entries of each ledger transaction sum to zero (double entry). */
import { finding, type Finding } from '../findings.js';

export interface TransactionNet {
  transactionId: string;
  /** SUM(credit) - SUM(debit) of the transaction's entries. */
  netKoinu: bigint;
}

export function checkTransactionBalanced(transaction: TransactionNet): Finding[] {
  if (transaction.netKoinu === 0n) return [];
  return [
    finding(
      'transaction-balanced',
      'ledger-transaction',
      transaction.transactionId,
      0n,
      transaction.netKoinu,
      'credits minus debits of one ledger transaction',
    ),
  ];
}
