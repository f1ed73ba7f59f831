/**
 * `locked-vs-escrow-and-bids`: the locked bucket holds exactly the buyer's open escrow (LOCKED or
 * DISPUTED: a dispute freezes the funds where they are) plus the user's active bid locks.
 */
import type { WalletBalance } from '../book.js';
import { finding, type Finding } from '../findings.js';

export function checkLocked(
  wallet: WalletBalance,
  openEscrowKoinu: bigint,
  activeBidsKoinu: bigint,
): Finding[] {
  const expected = openEscrowKoinu + activeBidsKoinu;
  if (expected === wallet.lockedKoinu) return [];
  return [
    finding(
      'locked-vs-escrow-and-bids',
      'user',
      wallet.userId,
      expected,
      wallet.lockedKoinu,
      `open escrow ${openEscrowKoinu} + active bid locks ${activeBidsKoinu} vs locked bucket`,
    ),
  ];
}
