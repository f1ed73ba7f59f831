/**
 * `user-ledger-sum` and `user-bucket-sum`: the seed's rule, per user, SUM(credit) - SUM(debit) =
 * available + locked + pending; and, because every entry records its bucket, each bucket on its own.
 */
import { BUCKETS, balanceOf, type BucketNets, type WalletBalance } from '../book.js';
import { finding, type Finding } from '../findings.js';

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
