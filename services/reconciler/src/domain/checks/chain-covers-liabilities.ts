/**
 * `chain-covers-liabilities`: what the chain must cover is everything users hold, less withdrawals
 * whose coins have already left the hot wallet (broadcast) while the wallet still shows them as
 * pending until they confirm. The platform's own accounts are not liabilities to users.
 */
import { finding, type Finding } from '../findings.js';

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
