/**
 * `ledger-zero-sum`: the platform's accounts make the whole book double entry, so every balance (user
 * buckets and platform accounts) sums to zero, and so does every entry's credit minus debit.
 */
import { finding, type Finding } from '../findings.js';

export interface BookTotals {
  /** Every user bucket plus every platform account balance. */
  balancesKoinu: bigint;
  /** SUM(credit) - SUM(debit) of every entry. */
  entriesNetKoinu: bigint;
}

export function checkLedgerZeroSum(totals: BookTotals): Finding[] {
  const findings: Finding[] = [];
  if (totals.balancesKoinu !== 0n) {
    findings.push(
      finding(
        'ledger-zero-sum',
        'ledger',
        'balances',
        0n,
        totals.balancesKoinu,
        'sum of every user bucket and platform account',
      ),
    );
  }
  if (totals.entriesNetKoinu !== 0n) {
    findings.push(
      finding(
        'ledger-zero-sum',
        'ledger',
        'entries',
        0n,
        totals.entriesNetKoinu,
        'sum of credits minus debits of every entry',
      ),
    );
  }
  return findings;
}
