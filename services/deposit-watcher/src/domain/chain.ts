/**
 * The chain as the watcher sees it: blocks linked by hashes, transactions, and their outputs with
 * exact koinu amounts. Built by the RPC adapter from the node's JSON; nothing here knows about RPC.
 */

export interface ChainOutput {
  /** Index of the output in its transaction (the `n` of Core's JSON). */
  vout: number;
  valueKoinu: bigint;
  /** The output script, lower-case hex, exactly as the node reports it. */
  scriptPubKeyHex: string;
}

export interface ChainTransaction {
  txid: string;
  outputs: ChainOutput[];
  /**
   * The serialized transaction, when the node included it. Dogecoin Core 1.14's `getblock` with
   * verbosity 2 does not (its TxToJSON has no "hex"), so matched transactions are fetched on their own.
   */
  hex?: string;
}

export interface BlockRef {
  height: number;
  hash: string;
}

export interface ChainBlock extends BlockRef {
  /** Null only for the genesis block. */
  previousHash: string | null;
  transactions: ChainTransaction[];
}
