/**
 * What the reconciler reports. A finding names the check that failed, the exact subject (a user, a
 * deposit, a withdrawal, an order, a coin, a ledger transaction) and the two amounts or values that
 * disagree, so an operator can act on it without re-running anything.
 */
export const CHECKS = [
  'user-ledger-sum',
  'user-bucket-sum',
  'balance-after-continuity',
  'locked-vs-escrow-and-bids',
  'platform-account-sum',
  'transaction-balanced',
  'ledger-zero-sum',
  'deposit-credited-once',
  'withdrawal-finalized-once',
  'order-escrow-held',
  'order-escrow-settled',
  'escrow-has-order',
  'bid-lock-matches-bids',
  'auction-lock-is-leaders',
  'auction-closed-no-lock',
  'auction-sold-has-order',
  'hot-wallet-coin-unspent',
  'chain-covers-liabilities',
  'cold-transfer-booked',
] as const;

export type CheckName = (typeof CHECKS)[number];

/**
 * Checks made by a proof-of-reserves snapshot (docs/reserves.md), not by a reconciliation run: their
 * findings are recorded the same way, under the snapshot's own run row.
 */
export const SNAPSHOT_CHECKS = ['reserves-cover-liabilities'] as const;

export type FindingCheckName = CheckName | (typeof SNAPSHOT_CHECKS)[number];

export type SubjectType =
  | 'user'
  | 'platform-account'
  | 'ledger-transaction'
  | 'ledger'
  | 'deposit'
  | 'withdrawal'
  | 'order'
  | 'auction'
  | 'bid-lock'
  | 'coin'
  | 'chain';

export interface Finding {
  check: FindingCheckName;
  subjectType: SubjectType;
  subjectId: string;
  /** What the rule says the value must be (koinu amounts as integer strings). */
  expected: string;
  actual: string;
  detail: string;
}

export interface CheckSummary {
  check: FindingCheckName;
  findings: number;
  /** Rows (users, entries, deposits, coins...) the check looked at. */
  examined: number;
  seconds: number;
}

export interface ReconciliationReport {
  runId: string;
  startedAt: string;
  finishedAt: string;
  clean: boolean;
  totals: { findings: number; examined: number };
  checks: CheckSummary[];
  /** The first findings in full (the rest are in the findings table and the discrepancy events). */
  findings: Finding[];
  truncatedFindings: number;
}

export const REPORT_FINDINGS_LIMIT = 1_000;

export function finding(
  check: FindingCheckName,
  subjectType: SubjectType,
  subjectId: string,
  expected: bigint | string,
  actual: bigint | string,
  detail: string,
): Finding {
  return { check, subjectType, subjectId, expected: String(expected), actual: String(actual), detail };
}
