/**
 * The wallet's book as the reconciler reads it: a user's three buckets and the nets of their ledger
 * entries, all in koinu.
 */
export type Bucket = 'AVAILABLE' | 'LOCKED' | 'PENDING';
export const BUCKETS: readonly Bucket[] = ['AVAILABLE', 'LOCKED', 'PENDING'];

export interface WalletBalance {
  userId: string;
  availableKoinu: bigint;
  lockedKoinu: bigint;
  pendingKoinu: bigint;
}

/** SUM(credit) - SUM(debit) of one user's entries, per bucket (absent bucket = no entries). */
export type BucketNets = Partial<Record<Bucket, bigint>>;

export function balanceOf(wallet: WalletBalance, bucket: Bucket): bigint {
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
