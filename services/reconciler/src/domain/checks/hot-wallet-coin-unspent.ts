/**
 * `hot-wallet-coin-unspent`: every coin the saga holds as unspent (available, unconfirmed change, or
 * reserved by a batch not yet broadcast) is unspent on the node with the value the saga records.
 */
import { finding, type Finding } from '../findings.js';

export interface HotWalletCoin {
  txid: string;
  vout: number;
  amountKoinu: bigint;
  /** The saga's coin status, for the operator. */
  status: string;
}

/** `onChainKoinu` is the output's value on the node, or null when the node says it is spent or unknown. */
export function checkHotWalletCoin(coin: HotWalletCoin, onChainKoinu: bigint | null): Finding[] {
  const subject = `${coin.txid}:${coin.vout}`;
  if (onChainKoinu === null) {
    return [
      finding(
        'hot-wallet-coin-unspent',
        'coin',
        subject,
        coin.amountKoinu,
        0n,
        `saga holds it as ${coin.status}; the node says it is spent or unknown`,
      ),
    ];
  }
  if (onChainKoinu === coin.amountKoinu) return [];
  return [
    finding(
      'hot-wallet-coin-unspent',
      'coin',
      subject,
      coin.amountKoinu,
      onChainKoinu,
      'amount the saga holds vs value on chain',
    ),
  ];
}
