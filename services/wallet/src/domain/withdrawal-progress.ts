/**
 * Where a withdrawal stands on its way to the chain, as the withdrawal saga reported it
 * (withdrawal.step-recorded): the timeline the user API shows, the txid as soon as one exists and the
 * latest confirmation count. The wallet's own row starts the timeline (REQUESTED) and stays the word
 * on money: `status` changes only when withdrawal.confirmed or withdrawal.failed books it.
 *
 * Each (step, count) is kept once, at the latest time it was reported, so the timeline is ordered by
 * time; steps of the same instant (one saga transaction) follow the saga's order.
 */
import type { Withdrawal } from './types.js';

/** The steps the saga reports, in the order a withdrawal passes them (the contract's enum). */
export const REPORTED_WITHDRAWAL_STEPS = [
  'HELD_FOR_REVIEW',
  'COOLING_DOWN',
  'APPROVED',
  'REJECTED',
  'WAITING_FOR_FUNDS',
  'SIGNING',
  'SIGNED',
  'BROADCAST',
  'CONFIRMATIONS',
  'CONFIRMED',
  'FAILED',
] as const;

export type ReportedWithdrawalStep = (typeof REPORTED_WITHDRAWAL_STEPS)[number];

/** The steps that carry a confirmation count, and only they. */
export const COUNTING_STEPS: readonly ReportedWithdrawalStep[] = ['CONFIRMATIONS', 'CONFIRMED'];

/** One reported step as the wallet keeps it. */
export interface WithdrawalStep {
  withdrawalId: string;
  step: ReportedWithdrawalStep;
  confirmations: number | null;
  txid: string | null;
  reason: string | null;
  /** ISO-8601 UTC, when the saga recorded it. */
  at: string;
}

export interface TimelineEntry {
  step: 'REQUESTED' | ReportedWithdrawalStep;
  at: string;
  txid: string | null;
  confirmations: number | null;
  reason: string | null;
}

export interface WithdrawalProgress {
  /** The paying transaction: the booked one, else the latest reported. */
  txid: string | null;
  /** The latest reported count; 0 once broadcast before any count; null before the broadcast. */
  confirmations: number | null;
  timeline: TimelineEntry[];
}

const RANK: ReadonlyMap<TimelineEntry['step'], number> = new Map(
  (['REQUESTED', ...REPORTED_WITHDRAWAL_STEPS] as const).map((step, index) => [step, index]),
);

function byTime(a: TimelineEntry, b: TimelineEntry): number {
  const at = Date.parse(a.at) - Date.parse(b.at);
  if (at !== 0) return at;
  const rank = RANK.get(a.step)! - RANK.get(b.step)!;
  if (rank !== 0) return rank;
  return (a.confirmations ?? 0) - (b.confirmations ?? 0);
}

/** The progress of `withdrawal` from the steps reported for it (any order; others' steps are ignored). */
export function progressOf(withdrawal: Withdrawal, steps: readonly WithdrawalStep[]): WithdrawalProgress {
  const reported: TimelineEntry[] = steps
    .filter((step) => step.withdrawalId === withdrawal.id)
    .map(({ step, at, txid, confirmations, reason }) => ({ step, at, txid, confirmations, reason }));
  const requested: TimelineEntry = {
    step: 'REQUESTED',
    at: withdrawal.requestedAt,
    txid: null,
    confirmations: null,
    reason: null,
  };
  const timeline = [requested, ...reported.sort(byTime)];
  const latest = (keep: (entry: TimelineEntry) => boolean) => timeline.filter(keep).at(-1);
  const counted = latest((entry) => COUNTING_STEPS.includes(entry.step as ReportedWithdrawalStep));
  const broadcast = timeline.some((entry) => entry.step === 'BROADCAST');
  return {
    txid: withdrawal.txid ?? latest((entry) => entry.txid !== null)?.txid ?? null,
    confirmations: counted?.confirmations ?? (broadcast ? 0 : null),
    timeline,
  };
}
