/**
 * `chain-covers-liabilities`: what the chain must cover is everything users hold, less withdrawals
 * whose coins have already left the hot wallet (broadcast) while the wallet still shows them as
 * pending until they confirm. The platform's own accounts are not liabilities to users. What covers it
 * is the hot wallet's unspent coins plus the cold account's (the outputs of the saga's sweeps that
 * are still unspent on the node).
 */
import { finding, type Finding } from '../findings.js';

export function checkChainCoverage(
  hotKoinu: bigint,
  userLiabilitiesKoinu: bigint,
  inFlightKoinu: bigint,
  coldKoinu = 0n,
): Finding[] {
  const required = userLiabilitiesKoinu - inFlightKoinu;
  const holdingsKoinu = hotKoinu + coldKoinu;
  if (holdingsKoinu >= required) return [];
  return [
    finding(
      'chain-covers-liabilities',
      'chain',
      'hot-wallet',
      `>= ${required}`,
      holdingsKoinu,
      `unspent hot (${hotKoinu}) and cold (${coldKoinu}) outputs on the node vs user liabilities ${userLiabilitiesKoinu} less in-flight withdrawals ${inFlightKoinu}`,
    ),
  ];
}
