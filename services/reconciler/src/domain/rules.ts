/**
 * The seed's reconciliation rules as pure functions over values already read from the databases and
 * the chain. Everything here is bigint koinu; nothing does I/O, so each rule is unit-tested directly.
 */
import { finding, type Finding } from './findings.js';

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

function balanceOf(wallet: WalletBalance, bucket: Bucket): bigint {
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

/**
 * The seed's rule, per user: SUM(credit) - SUM(debit) = available + locked + pending; and, because
 * every entry records its bucket, each bucket on its own.
 */
export function checkUserLedger(wallet: WalletBalance, nets: BucketNets): Finding[] {
  const findings: Finding[] = [];
  const total = wallet.availableKoinu + wallet.lockedKoinu + wallet.pendingKoinu;
  const ledgerTotal = BUCKETS.reduce((sum, bucket) => sum + (nets[bucket] ?? 0n), 0n);
  if (ledgerTotal !== total) {
    findings.push(
      finding(
        'user-ledger-sum',
        'user',
        wallet.userId,
        ledgerTotal,
        total,
        'SUM(credit) - SUM(debit) of the ledger vs available + locked + pending',
      ),
    );
  }
  for (const bucket of BUCKETS) {
    const net = nets[bucket] ?? 0n;
    const balance = balanceOf(wallet, bucket);
    if (net !== balance) {
      findings.push(
        finding(
          'user-bucket-sum',
          'user',
          wallet.userId,
          net,
          balance,
          `${bucket}: ledger net vs balance column`,
        ),
      );
    }
  }
  return findings;
}

/**
 * The locked bucket holds exactly the buyer's open escrow (LOCKED or DISPUTED: a dispute freezes the
 * funds where they are) plus the user's active bid locks.
 */
export function checkLocked(wallet: WalletBalance, escrowKoinu: bigint, activeBidsKoinu: bigint): Finding[] {
  const expected = escrowKoinu + activeBidsKoinu;
  if (expected === wallet.lockedKoinu) return [];
  return [
    finding(
      'locked-vs-escrow-and-bids',
      'user',
      wallet.userId,
      expected,
      wallet.lockedKoinu,
      `open escrow ${escrowKoinu} + active bid locks ${activeBidsKoinu} vs locked bucket`,
    ),
  ];
}

/**
 * Liabilities the chain must cover: everything users hold, less withdrawals whose coins have already
 * left the hot wallet (broadcast) while the wallet still shows them as pending until they confirm.
 */
export function checkChainCoverage(
  holdingsKoinu: bigint,
  userLiabilitiesKoinu: bigint,
  inFlightKoinu: bigint,
): Finding[] {
  const required = userLiabilitiesKoinu - inFlightKoinu;
  if (holdingsKoinu >= required) return [];
  return [
    finding(
      'chain-covers-liabilities',
      'chain',
      'hot-wallet',
      `>= ${required}`,
      holdingsKoinu,
      `unspent hot-wallet outputs on the node vs user liabilities ${userLiabilitiesKoinu} less in-flight withdrawals ${inFlightKoinu}`,
    ),
  ];
}
