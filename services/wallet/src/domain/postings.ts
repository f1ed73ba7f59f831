/**
 * Applying a decision's postings to the book: the one place balances change. Every posting becomes
 * one ledger entry (credit when positive, debit when negative) that records its bucket and the
 * bucket's balance after it. The invariants below are asserted on every command, not only in tests.
 */
import { invariant } from './errors.js';
import type { Book, Bucket, EntryType, PlatformAccountCode, ReferenceType, Wallet } from './types.js';

export type AccountRef =
  { kind: 'user'; userId: string; bucket: Bucket } | { kind: 'platform'; code: PlatformAccountCode };

/** A signed movement: positive credits the account, negative debits it. Never zero. */
export interface Posting {
  account: AccountRef;
  amountKoinu: bigint;
  entryType: EntryType;
}

export interface LedgerEntryDraft {
  userId: string | null;
  platformAccount: PlatformAccountCode | null;
  bucket: Bucket | 'PLATFORM';
  entryType: EntryType;
  debitKoinu: bigint;
  creditKoinu: bigint;
  balanceAfterKoinu: bigint;
  referenceType: ReferenceType;
  referenceId: string;
}

export const userPosting = (
  userId: string,
  bucket: Bucket,
  amountKoinu: bigint,
  entryType: EntryType,
): Posting => ({
  account: { kind: 'user', userId, bucket },
  amountKoinu,
  entryType,
});

export const platformPosting = (
  code: PlatformAccountCode,
  amountKoinu: bigint,
  entryType: EntryType,
): Posting => ({
  account: { kind: 'platform', code },
  amountKoinu,
  entryType,
});

/** Moves `amountKoinu` between two buckets of one user (e.g. available -> locked). */
export function moveBetweenBuckets(
  userId: string,
  from: Bucket,
  to: Bucket,
  amountKoinu: bigint,
  entryType: EntryType,
): Posting[] {
  return [
    userPosting(userId, from, -amountKoinu, entryType),
    userPosting(userId, to, amountKoinu, entryType),
  ];
}

function bucketValue(wallet: Wallet, bucket: Bucket): bigint {
  switch (bucket) {
    case 'AVAILABLE':
      return wallet.availableKoinu;
    case 'LOCKED':
      return wallet.lockedKoinu;
    case 'PENDING':
      return wallet.pendingKoinu;
    default: {
      const unknown: never = bucket;
      throw new Error(`unknown bucket ${String(unknown)}`);
    }
  }
}

function setBucket(wallet: Wallet, bucket: Bucket, value: bigint): void {
  if (bucket === 'AVAILABLE') wallet.availableKoinu = value;
  else if (bucket === 'LOCKED') wallet.lockedKoinu = value;
  else wallet.pendingKoinu = value;
}

export interface AppliedPostings {
  entries: LedgerEntryDraft[];
  /** Wallets this command changed, in first-touched order (for balance.changed and the version bump). */
  touchedUserIds: string[];
  /** Wallets this command created (credit to a user who had none). */
  createdUserIds: string[];
}

/**
 * Applies postings in order, creating a zero wallet for a user who is only credited. Asserts: no
 * posting is zero, the postings sum to zero (double entry), no user bucket goes negative, the
 * marketplace fee account never goes negative, and each touched wallet's version moves by exactly one.
 */
export function applyPostings(
  book: Book,
  postings: Posting[],
  reference: { type: ReferenceType; id: string },
): AppliedPostings {
  const sum = postings.reduce((total, posting) => total + posting.amountKoinu, 0n);
  invariant(sum === 0n, `postings for ${reference.type} ${reference.id} sum to ${sum}, not 0`);
  const entries: LedgerEntryDraft[] = [];
  const touchedUserIds: string[] = [];
  const createdUserIds: string[] = [];
  const touchedPlatform = new Set<PlatformAccountCode>();
  for (const posting of postings) {
    invariant(posting.amountKoinu !== 0n, `zero posting of ${posting.entryType}`);
    const debitKoinu = posting.amountKoinu < 0n ? -posting.amountKoinu : 0n;
    const creditKoinu = posting.amountKoinu > 0n ? posting.amountKoinu : 0n;
    if (posting.account.kind === 'user') {
      const { userId, bucket } = posting.account;
      let wallet = book.wallets.get(userId);
      if (!wallet) {
        invariant(posting.amountKoinu > 0n, `debit of a wallet that does not exist (${userId})`);
        wallet = { userId, availableKoinu: 0n, lockedKoinu: 0n, pendingKoinu: 0n, version: 0 };
        book.wallets.set(userId, wallet);
        createdUserIds.push(userId);
      }
      if (!touchedUserIds.includes(userId)) {
        touchedUserIds.push(userId);
        wallet.version += 1;
      }
      const after = bucketValue(wallet, bucket) + posting.amountKoinu;
      invariant(after >= 0n, `${bucket} of ${userId} would be ${after}`);
      setBucket(wallet, bucket, after);
      entries.push({
        userId,
        platformAccount: null,
        bucket,
        entryType: posting.entryType,
        debitKoinu,
        creditKoinu,
        balanceAfterKoinu: after,
        referenceType: reference.type,
        referenceId: reference.id,
      });
    } else {
      const { code } = posting.account;
      const account = book.platformAccounts.get(code);
      invariant(account !== undefined, `platform account ${code} was not loaded`);
      if (!touchedPlatform.has(code)) {
        touchedPlatform.add(code);
        account.version += 1;
      }
      account.balanceKoinu += posting.amountKoinu;
      invariant(code !== 'MARKETPLACE_FEES' || account.balanceKoinu >= 0n, 'MARKETPLACE_FEES went negative');
      entries.push({
        userId: null,
        platformAccount: code,
        bucket: 'PLATFORM',
        entryType: posting.entryType,
        debitKoinu,
        creditKoinu,
        balanceAfterKoinu: account.balanceKoinu,
        referenceType: reference.type,
        referenceId: reference.id,
      });
    }
  }
  return { entries, touchedUserIds, createdUserIds };
}

/** Which platform accounts a list of postings needs loaded and locked. */
export function platformAccountsOf(postings: Posting[]): PlatformAccountCode[] {
  const codes = new Set<PlatformAccountCode>();
  for (const posting of postings) if (posting.account.kind === 'platform') codes.add(posting.account.code);
  return [...codes];
}
