/**
 * The transaction memory pool: entries with the bookkeeping CTxMemPoolEntry keeps (fee, virtual size,
 * entry time and height, starting priority), the spent-outpoint map (mapNextTx) that finds conflicts,
 * and ancestor/descendant walks. Policy lives in accept.ts; this module only stores.
 */
import type { Transaction } from 'bitcoinjs-lib';
import { ALLOW_FREE_THRESHOLD, BYTES_PER_SIGOP } from './consensus.js';
import { outpointKey, txidOfHash } from './coins.js';
import { legacySigOpCount } from './script.js';

export interface MempoolEntry {
  tx: Transaction;
  txid: string;
  fee: bigint;
  /** GetTxSize: the virtual size, which is the byte size for transactions without witnesses. */
  vsize: number;
  /** CalculateModifiedSize, the divisor of priority. */
  modifiedSize: number;
  /** Seconds since the epoch when it entered the pool. */
  time: number;
  entryHeight: number;
  entryPriority: number;
  /** Sum of input values already in the chain when it entered; these age into priority. */
  inChainInputValue: bigint;
  spendsCoinbase: boolean;
}

/** CTransaction::CalculateModifiedSize: inputs' constant overhead does not count against priority. */
export function modifiedSize(tx: Transaction): number {
  let size = Math.ceil(tx.weight() / 4);
  for (const input of tx.ins) {
    const offset = 41 + Math.min(110, input.script.length);
    if (size > offset) size -= offset;
  }
  return size;
}

/** GetTransactionSigOpCost for the legacy scripts Dogecoin uses (P2SH sigops are not counted). */
export function sigOpCost(tx: Transaction): number {
  let count = 0;
  for (const input of tx.ins) count += legacySigOpCount(input.script);
  for (const output of tx.outs) count += legacySigOpCount(output.script);
  return count * 4;
}

/** GetVirtualTransactionSize(weight, sigOpCost). */
export function virtualSize(tx: Transaction): number {
  return Math.ceil(Math.max(tx.weight(), sigOpCost(tx) * BYTES_PER_SIGOP) / 4);
}

/** CTxMemPoolEntry::GetPriority: in-chain inputs keep ageing after the transaction entered the pool. */
export function priorityAt(entry: MempoolEntry, height: number): number {
  const delta = ((height - entry.entryHeight) * Number(entry.inChainInputValue)) / entry.modifiedSize;
  return Math.max(0, entry.entryPriority + delta);
}

export const allowFree = (priority: number): boolean => priority > ALLOW_FREE_THRESHOLD;

export class Mempool {
  private readonly entries = new Map<string, MempoolEntry>();
  private readonly spentBy = new Map<string, string>();

  get size(): number {
    return this.entries.size;
  }

  get(txid: string): MempoolEntry | undefined {
    return this.entries.get(txid);
  }

  has(txid: string): boolean {
    return this.entries.has(txid);
  }

  all(): MempoolEntry[] {
    return [...this.entries.values()];
  }

  /** mapNextTx lookup: the mempool transaction spending this outpoint, if any. */
  spender(txid: string, vout: number): string | undefined {
    return this.spentBy.get(outpointKey(txid, vout));
  }

  add(entry: MempoolEntry): void {
    this.entries.set(entry.txid, entry);
    for (const input of entry.tx.ins)
      this.spentBy.set(outpointKey(txidOfHash(input.hash), input.index), entry.txid);
  }

  /** In-mempool parents (setMemPoolParents). */
  parents(txid: string): Set<string> {
    const entry = this.entries.get(txid);
    const result = new Set<string>();
    for (const input of entry?.tx.ins ?? []) {
      const parent = txidOfHash(input.hash);
      if (this.entries.has(parent)) result.add(parent);
    }
    return result;
  }

  children(txid: string): Set<string> {
    const entry = this.entries.get(txid);
    const result = new Set<string>();
    entry?.tx.outs.forEach((_, vout) => {
      const child = this.spender(txid, vout);
      if (child !== undefined) result.add(child);
    });
    return result;
  }

  /** Transitive in-mempool ancestors of a transaction, in or out of the pool, excluding itself. */
  ancestorsOf(tx: Transaction): Set<string> {
    const result = new Set<string>();
    const stack = tx.ins.map((input) => txidOfHash(input.hash)).filter((id) => this.entries.has(id));
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (result.has(id)) continue;
      result.add(id);
      for (const parent of this.parents(id)) stack.push(parent);
    }
    return result;
  }

  /** CalculateDescendants: the transaction and everything in the pool built on it. */
  descendantsOf(txid: string): Set<string> {
    const result = new Set<string>();
    const stack = [txid];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (result.has(id) || !this.entries.has(id)) continue;
      result.add(id);
      for (const child of this.children(id)) stack.push(child);
    }
    return result;
  }

  /** Remove exactly these transactions (removeUnchecked for each). */
  removeSet(txids: Iterable<string>): MempoolEntry[] {
    const removed: MempoolEntry[] = [];
    for (const txid of txids) {
      const entry = this.entries.get(txid);
      if (!entry) continue;
      this.entries.delete(txid);
      for (const input of entry.tx.ins) {
        const key = outpointKey(txidOfHash(input.hash), input.index);
        if (this.spentBy.get(key) === txid) this.spentBy.delete(key);
      }
      removed.push(entry);
    }
    return removed;
  }

  /** removeRecursive: a transaction and all its descendants. */
  removeRecursive(txid: string): MempoolEntry[] {
    return this.removeSet(this.descendantsOf(txid));
  }

  /**
   * CTxMemPool::GetSortedDepthAndScore (src/txmempool.cpp), the order of queryHashes and so of
   * getrawmempool's txid list: DepthAndScoreComparator puts fewer in-mempool ancestors (counting the
   * transaction itself) first, then CompareTxMemPoolEntryByScore puts the higher modified fee rate
   * first, compared as Core does, (double)fee * otherSize against (double)otherFee * size; equal rates
   * put the larger txid first, compared as a uint256 (memcmp in memory order, which starts at the
   * last byte pair of the txid as written). With no prioritisetransaction, the modified fee is the fee.
   */
  byDepthAndScore(): MempoolEntry[] {
    const depth = new Map<string, number>();
    for (const entry of this.entries.values()) depth.set(entry.txid, 1 + this.ancestorsOf(entry.tx).size);
    const internalBytes = (txid: string): Buffer => Buffer.from(txid, 'hex').reverse();
    return [...this.entries.values()].sort((a, b) => {
      const byDepth = depth.get(a.txid)! - depth.get(b.txid)!;
      if (byDepth !== 0) return byDepth;
      const rateA = Number(a.fee) * b.vsize;
      const rateB = Number(b.fee) * a.vsize;
      if (rateA !== rateB) return rateB - rateA;
      return Buffer.compare(internalBytes(b.txid), internalBytes(a.txid));
    });
  }

  /** Parents before children, so blocks and snapshots can replay the pool in order. */
  topologicalOrder(txids?: Iterable<string>): MempoolEntry[] {
    const wanted = new Set(txids ?? this.entries.keys());
    const ordered: MempoolEntry[] = [];
    const placed = new Set<string>();
    const visit = (id: string): void => {
      if (placed.has(id) || !wanted.has(id)) return;
      placed.add(id);
      for (const parent of this.parents(id)) visit(parent);
      ordered.push(this.entries.get(id)!);
    };
    for (const entry of [...this.entries.values()].sort((a, b) => a.time - b.time)) visit(entry.txid);
    return ordered;
  }

  totalVsize(): number {
    let total = 0;
    for (const entry of this.entries.values()) total += entry.vsize;
    return total;
  }
}
