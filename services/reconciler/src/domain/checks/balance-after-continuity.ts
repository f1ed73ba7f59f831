/**
 * `balance-after-continuity`: each entry's balance_after is the previous entry's (same account and
 * bucket, by seq) plus its credit minus its debit; an account's first entry follows from zero.
 */
import { finding, type Finding } from '../findings.js';

/** One ledger entry with the balance_after of the entry before it in its account and bucket. */
export interface ChainedEntry {
  /** A user id or a platform account code. */
  account: string;
  accountType: 'user' | 'platform-account';
  bucket: string;
  entryId: string;
  seq: string;
  /** Zero for the account's first entry in the bucket. */
  previousBalanceKoinu: bigint;
  debitKoinu: bigint;
  creditKoinu: bigint;
  balanceAfterKoinu: bigint;
}

export function checkBalanceAfter(entry: ChainedEntry): Finding[] {
  const expected = entry.previousBalanceKoinu + entry.creditKoinu - entry.debitKoinu;
  if (expected === entry.balanceAfterKoinu) return [];
  return [
    finding(
      'balance-after-continuity',
      entry.accountType,
      entry.account,
      expected,
      entry.balanceAfterKoinu,
      `${entry.bucket} entry ${entry.entryId} (seq ${entry.seq}): previous ${entry.previousBalanceKoinu} + credit ${entry.creditKoinu} - debit ${entry.debitKoinu}`,
    ),
  ];
}
