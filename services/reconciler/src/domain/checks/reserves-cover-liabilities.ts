/**
 * `reserves-cover-liabilities`: a proof-of-reserves snapshot publishes the users' liabilities (the
 * tree's total) and the platform's coins on chain. The coins must cover the total, less withdrawals
 * whose coins already left the hot wallet while the wallet still shows them as pending (the same
 * allowance as `chain-covers-liabilities`). A shortfall is a finding on the snapshot.
 */
import { finding, type Finding } from '../findings.js';

export interface ReservesComparison {
  snapshotId: string;
  liabilitiesKoinu: bigint;
  chainKoinu: bigint;
  inFlightKoinu: bigint;
}

export function reservesCovered(comparison: ReservesComparison): boolean {
  return comparison.chainKoinu >= comparison.liabilitiesKoinu - comparison.inFlightKoinu;
}

export function checkReservesCoverage(comparison: ReservesComparison): Finding[] {
  if (reservesCovered(comparison)) return [];
  const required = comparison.liabilitiesKoinu - comparison.inFlightKoinu;
  return [
    finding(
      'reserves-cover-liabilities',
      'chain',
      `reserve-snapshot:${comparison.snapshotId}`,
      `>= ${required}`,
      comparison.chainKoinu,
      `the platform's unspent coins on the node vs the published liabilities ${comparison.liabilitiesKoinu} ` +
        `less in-flight withdrawals ${comparison.inFlightKoinu}`,
    ),
  ];
}
