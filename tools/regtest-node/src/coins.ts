/**
 * The UTXO set in Dogecoin Core 1.14's shape: one CCoins record per transaction (src/coins.h), holding
 * its height, whether it is a coinbase, the transaction's version (nVersion, which gettxout reports),
 * and its outputs with spent ones cleared. A record disappears
 * when its last output is spent (CCoins::IsPruned), which is what decides between "Missing inputs",
 * "bad-txns-inputs-spent" and "transaction already in block chain" in sendrawtransaction.
 */
import type { Transaction } from 'bitcoinjs-lib';
import { isUnspendable } from './script.js';

export interface Coin {
  value: bigint;
  script: Uint8Array;
}

export interface Coins {
  height: number;
  coinbase: boolean;
  /** CCoins::nVersion: the version of the transaction that created the outputs. */
  version: number;
  outputs: (Coin | null)[];
}

/** What undoing one spent input needs: the coin plus the metadata of its record (CTxInUndo). */
export interface SpentCoin {
  txid: string;
  vout: number;
  coin: Coin;
  height: number;
  coinbase: boolean;
  /** CTxInUndo keeps nVersion too, for when the spend pruned the whole record. */
  version: number;
}

/** Transactions' prevout hashes are stored reversed; txids are written big-endian. */
export const txidOfHash = (hash: Uint8Array): string => Buffer.from(hash).reverse().toString('hex');
export const outpointKey = (txid: string, vout: number): string => `${txid}:${vout}`;

/** CCoins(tx, height) with ClearUnspendable: OP_RETURN outputs are never stored. */
export function coinsFromTransaction(tx: Transaction, height: number): Coins {
  return {
    height,
    coinbase: tx.isCoinbase(),
    version: tx.version,
    outputs: tx.outs.map((out) =>
      isUnspendable(out.script) ? null : { value: out.value, script: out.script },
    ),
  };
}

export const hasUnspent = (coins: Coins): boolean => coins.outputs.some((out) => out !== null);

export class UtxoSet {
  private readonly byTxid = new Map<string, Coins>();

  get(txid: string): Coins | undefined {
    return this.byTxid.get(txid);
  }

  /** CCoinsViewCache::AccessCoins + IsAvailable. */
  coin(txid: string, vout: number): Coin | null {
    return this.byTxid.get(txid)?.outputs[vout] ?? null;
  }

  add(txid: string, coins: Coins): void {
    if (hasUnspent(coins)) this.byTxid.set(txid, coins);
  }

  remove(txid: string): void {
    this.byTxid.delete(txid);
  }

  spend(txid: string, vout: number): SpentCoin {
    const coins = this.byTxid.get(txid);
    const coin = coins?.outputs[vout];
    if (!coins || !coin) throw new Error(`bug: spending missing coin ${txid}:${vout}`);
    coins.outputs[vout] = null;
    if (!hasUnspent(coins)) this.byTxid.delete(txid);
    return { txid, vout, coin, height: coins.height, coinbase: coins.coinbase, version: coins.version };
  }

  /** ApplyTxInUndo: recreate the record if the spend had pruned it. */
  restore(spent: SpentCoin): void {
    let coins = this.byTxid.get(spent.txid);
    if (!coins) {
      coins = { height: spent.height, coinbase: spent.coinbase, version: spent.version, outputs: [] };
      this.byTxid.set(spent.txid, coins);
    }
    while (coins.outputs.length <= spent.vout) coins.outputs.push(null);
    coins.outputs[spent.vout] = spent.coin;
  }

  entries(): IterableIterator<[string, Coins]> {
    return this.byTxid.entries();
  }
}
