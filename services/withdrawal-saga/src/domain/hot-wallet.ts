/**
 * The hot wallet's coins. A confirmed deposit arrives AVAILABLE; the saga's own change arrives as
 * UNCONFIRMED_CHANGE and becomes AVAILABLE once confirmed deep enough. A batch RESERVES coins, which
 * are SPENT once its transaction is broadcast, or released when the batch ends before that. A reversed
 * deposit is REVERSED and not spent unless it is confirmed again and unspent on chain (REINSTATE). Each change of status is one named move below, so the
 * rules of which coin may go where live here and not in the repository's WHERE clauses.
 */
import type { Coin } from './coin-selection.js';

export const COIN_STATUSES = ['UNCONFIRMED_CHANGE', 'AVAILABLE', 'RESERVED', 'SPENT', 'REVERSED'] as const;

export type CoinStatus = (typeof COIN_STATUSES)[number];

export const COIN_SOURCES = ['DEPOSIT', 'CHANGE', 'REFILL'] as const;

export type CoinSource = (typeof COIN_SOURCES)[number];

interface CoinMove {
  from: readonly CoinStatus[];
  to: CoinStatus;
}

export const COIN_MOVES = {
  /** A batch takes the coin as an input. */
  RESERVE: { from: ['AVAILABLE'], to: 'RESERVED' },
  /** The batch ended before broadcast (refused or cancelled): the coin is free again. */
  RELEASE: { from: ['RESERVED'], to: 'AVAILABLE' },
  /** A child-pays-for-parent bump takes the stuck transaction's unconfirmed change as its input. */
  RESERVE_FOR_BUMP: { from: ['UNCONFIRMED_CHANGE'], to: 'RESERVED' },
  /** The bump ended before broadcast while the change's transaction is still unconfirmed. */
  RELEASE_BUMP: { from: ['RESERVED'], to: 'UNCONFIRMED_CHANGE' },
  /** The batch's transaction was broadcast. */
  SPEND: { from: ['RESERVED'], to: 'SPENT' },
  /** The batch's transaction was dropped by the network but this input is still unspent on chain. */
  RECOVER_AFTER_DROP: { from: ['RESERVED', 'SPENT'], to: 'AVAILABLE' },
  /** The deposit that created the coin was reversed, or the change's transaction was dropped. */
  REVERSE: { from: ['AVAILABLE', 'RESERVED', 'UNCONFIRMED_CHANGE'], to: 'REVERSED' },
  /** The change's transaction is confirmed deep enough to spend it. */
  CHANGE_CONFIRMED: { from: ['UNCONFIRMED_CHANGE'], to: 'AVAILABLE' },
  /**
   * A reversed deposit is confirmed again (a deep reorganisation took it away and the new branch, or a
   * rebroadcast, brought it back) and the node has the output unspent: the coin is ours to spend again.
   */
  REINSTATE: { from: ['REVERSED'], to: 'AVAILABLE' },
} as const satisfies Record<string, CoinMove>;

export type CoinMoveName = keyof typeof COIN_MOVES;

export interface HotWalletCoin extends Coin {
  address: string;
  derivationPath: string;
  source: CoinSource;
  status: CoinStatus;
  /** The batch that reserved or spent the coin; null while it is free. */
  batchId: string | null;
}

export interface NewHotWalletCoin extends Omit<HotWalletCoin, 'batchId' | 'previousTxBytes'> {
  /** For change: the batch whose transaction created it. */
  createdByBatchId: string | null;
  /** For a deposit: the deposit.confirmed event that brought it. */
  sourceEventId: string | null;
}

/** One line of the hot wallet's summary: the coins in one status and their total. */
export interface CoinStatusTotal {
  status: CoinStatus;
  count: number;
  totalKoinu: bigint;
}
