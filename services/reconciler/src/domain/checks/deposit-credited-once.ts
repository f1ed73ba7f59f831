/**
 * `deposit-credited-once`: every deposit the watcher confirmed is credited exactly once, for its
 * amount, to its user; no DEPOSIT credit lacks a confirmed deposit.
 *
 * In flight (forgiven within the grace period, by both sides' timestamps): the watcher confirmed the
 * deposit and the wallet has not credited it yet; or, the other way round, the wallet credited it
 * exactly as the watcher's row says while that row is still pending. Anything else (a second credit,
 * another amount or user, a credit for a reversed or unknown deposit) is never work in flight.
 */
import { changedWithinGrace, type GraceWindow } from '../grace.js';
import { finding, type Finding } from '../findings.js';

/** The deposit watcher's vocabulary (services/deposit-watcher). */
export type WatcherDepositStatus = 'pending' | 'confirmed' | 'reversed';

export interface WatcherDeposit {
  userId: string;
  amountKoinu: bigint;
  status: WatcherDepositStatus;
  /** When the watcher confirmed it and produced deposit.confirmed; null before. */
  confirmedAt: Date | null;
  updatedAt: Date;
}

/** The wallet's DEPOSIT credits to users for one output. */
export interface DepositCredits {
  count: number;
  amountKoinu: bigint;
  /** The lowest and the highest crediting user id (equal when one user was credited); null without credits. */
  firstUserId: string | null;
  lastUserId: string | null;
  lastCreditedAt: Date | null;
}

export interface DepositPair {
  /** txid:vout */
  depositKey: string;
  /** The watcher's row for the output, whatever its status; null when the watcher never saw it. */
  watcher: WatcherDeposit | null;
  credits: DepositCredits;
}

function creditedOnceAs(deposit: WatcherDeposit, credits: DepositCredits): boolean {
  return (
    credits.count === 1 &&
    credits.amountKoinu === deposit.amountKoinu &&
    credits.firstUserId === deposit.userId &&
    credits.lastUserId === deposit.userId
  );
}

function inFlight(pair: DepositPair, window: GraceWindow): boolean {
  const { watcher, credits } = pair;
  if (watcher === null) return false;
  switch (watcher.status) {
    case 'confirmed':
      return credits.count === 0 && changedWithinGrace(window, watcher.confirmedAt ?? watcher.updatedAt);
    case 'pending':
      return (
        creditedOnceAs(watcher, credits) &&
        changedWithinGrace(window, watcher.updatedAt, credits.lastCreditedAt)
      );
    case 'reversed':
      return false;
    default: {
      const unknown: never = watcher.status;
      throw new Error(`unknown deposit status ${String(unknown)}`);
    }
  }
}

function creditedUsers(credits: DepositCredits): string | null {
  if (credits.firstUserId === null || credits.lastUserId === null) return null;
  return credits.firstUserId === credits.lastUserId
    ? credits.firstUserId
    : `${credits.firstUserId},${credits.lastUserId}`;
}

export function checkDepositCredited(pair: DepositPair, window: GraceWindow): Finding[] {
  const { credits } = pair;
  const confirmed = pair.watcher?.status === 'confirmed' ? pair.watcher : null;
  if (confirmed === null ? credits.count === 0 : creditedOnceAs(confirmed, credits)) return [];
  if (inFlight(pair, window)) return [];
  const users = creditedUsers(credits);
  const detail =
    confirmed === null
      ? `credited ${credits.count} time(s) to ${users ?? '?'} without a confirmed deposit`
      : `confirmed for ${confirmed.userId}, credited ${credits.count} time(s) to ${users ?? 'nobody'}`;
  return [
    finding(
      'deposit-credited-once',
      'deposit',
      pair.depositKey,
      confirmed?.amountKoinu ?? 0n,
      credits.amountKoinu,
      detail,
    ),
  ];
}
