/**
 * The block tree and the active chain: every block ever accepted stays in the index (mapBlockIndex),
 * the active chain is the most-work valid branch (CBlockIndexWorkComparator: most work, then earliest
 * received), and connecting or disconnecting a block updates the per-transaction UTXO set with undo
 * data. The transaction index is written when a block connects and, like Core 1.14's -txindex, is
 * never erased when one disconnects.
 */
import { Block, type Transaction } from 'bitcoinjs-lib';
import { GENESIS_BLOCK_HEX } from './consensus.js';
import { blockProof } from './blocks.js';
import { coinsFromTransaction, txidOfHash, UtxoSet, type SpentCoin } from './coins.js';

export interface BlockRecord {
  hash: string;
  height: number;
  prevHash: string | null;
  block: Block;
  transactions: Transaction[];
  txids: string[];
  size: number;
  chainWork: bigint;
  /** nSequenceId: arrival order, the tie-breaker between branches of equal work. */
  seq: number;
  /** BLOCK_FAILED_VALID: marked invalid by invalidateblock. */
  failed: boolean;
}

export class ChainState {
  readonly index = new Map<string, BlockRecord>();
  readonly active: BlockRecord[] = [];
  readonly utxo = new UtxoSet();
  readonly txIndex = new Map<string, string>();
  private readonly undo = new Map<string, SpentCoin[][]>();
  private nextSeq = 0;
  /** pindexBestHeader: the most-work header ever seen; invalidateblock does not lower it. */
  bestHeader!: BlockRecord;

  constructor() {
    const genesis = this.addBlock(Block.fromHex(GENESIS_BLOCK_HEX));
    // ConnectBlock skips the genesis transactions: its coinbase is neither spendable nor indexed.
    this.active.push(genesis);
    this.bestHeader = genesis;
  }

  get tip(): BlockRecord {
    return this.active[this.active.length - 1]!;
  }

  get height(): number {
    return this.active.length - 1;
  }

  get seqCounter(): number {
    return this.nextSeq;
  }

  contains(record: BlockRecord): boolean {
    return this.active[record.height] === record;
  }

  next(record: BlockRecord): BlockRecord | undefined {
    return this.contains(record) ? this.active[record.height + 1] : undefined;
  }

  parent(record: BlockRecord): BlockRecord | undefined {
    return record.prevHash === null ? undefined : this.index.get(record.prevHash);
  }

  /** Add a block to the tree (AcceptBlock). The caller decides whether it becomes active. */
  addBlock(block: Block, seq?: number): BlockRecord {
    const hash = block.getId();
    const existing = this.index.get(hash);
    if (existing) return existing;
    const prevHash = this.index.size === 0 ? null : Buffer.from(block.prevHash!).reverse().toString('hex');
    const parent = prevHash === null ? undefined : this.index.get(prevHash);
    if (prevHash !== null && !parent) throw new Error(`bug: block ${hash} has unknown parent ${prevHash}`);
    const transactions = block.transactions ?? [];
    const record: BlockRecord = {
      hash,
      height: parent ? parent.height + 1 : 0,
      prevHash,
      block,
      transactions,
      txids: transactions.map((tx) => tx.getId()),
      size: block.byteLength(),
      chainWork: (parent?.chainWork ?? 0n) + blockProof(block.bits),
      seq: seq ?? this.nextSeq,
      failed: false,
    };
    this.nextSeq = Math.max(this.nextSeq, record.seq + 1);
    this.index.set(hash, record);
    if (this.bestHeader && record.chainWork > this.bestHeader.chainWork) this.bestHeader = record;
    return record;
  }

  /** GetMedianTimePast: the median time of a block and its ten predecessors. */
  medianTimePast(record: BlockRecord): number {
    const times: number[] = [];
    let cursor: BlockRecord | undefined = record;
    for (let i = 0; i < 11 && cursor; i++) {
      times.push(cursor.block.timestamp);
      cursor = this.parent(cursor);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)]!;
  }

  ancestorAt(record: BlockRecord, height: number): BlockRecord | undefined {
    let cursor: BlockRecord | undefined = record;
    while (cursor && cursor.height > height) cursor = this.parent(cursor);
    return cursor;
  }

  /** BLOCK_FAILED_MASK: the block or one of its ancestors was invalidated. */
  isFailed(record: BlockRecord): boolean {
    for (let cursor: BlockRecord | undefined = record; cursor; cursor = this.parent(cursor)) {
      if (cursor.failed) return true;
    }
    return false;
  }

  /** Failure status of every block, computed parents-first (the index is in arrival order). */
  private failedSet(): Set<string> {
    const failed = new Set<string>();
    for (const record of this.index.values()) {
      if (record.failed || (record.prevHash !== null && failed.has(record.prevHash))) failed.add(record.hash);
    }
    return failed;
  }

  /** FindMostWorkChain over valid tips: most work, then the earliest received. */
  bestValidTip(): BlockRecord {
    const failed = this.failedSet();
    let best = this.active[0]!;
    for (const record of this.index.values()) {
      if (failed.has(record.hash)) continue;
      if (
        record.chainWork > best.chainWork ||
        (record.chainWork === best.chainWork && record.seq < best.seq)
      ) {
        best = record;
      }
    }
    return best;
  }

  /** The last common block of the active chain and a branch (CChain::FindFork). */
  forkPoint(record: BlockRecord): BlockRecord {
    let cursor: BlockRecord | undefined = record;
    while (cursor && !this.contains(cursor)) cursor = this.parent(cursor);
    return cursor ?? this.active[0]!;
  }

  /** ConnectBlock for a block built on the tip: spend inputs, add outputs, index transactions. */
  connect(record: BlockRecord): void {
    if (record.prevHash !== this.tip.hash) throw new Error(`bug: ${record.hash} does not extend the tip`);
    const spent: SpentCoin[][] = [];
    record.transactions.forEach((tx, i) => {
      spent.push(
        tx.isCoinbase() ? [] : tx.ins.map((input) => this.utxo.spend(txidOfHash(input.hash), input.index)),
      );
      this.utxo.add(record.txids[i]!, coinsFromTransaction(tx, record.height));
      this.txIndex.set(record.txids[i]!, record.hash);
    });
    this.undo.set(record.hash, spent);
    this.active.push(record);
  }

  /** DisconnectBlock for the tip: remove its outputs and restore what it spent. */
  disconnectTip(): BlockRecord {
    const record = this.tip;
    if (record.height === 0) throw new Error('bug: cannot disconnect the genesis block');
    const spent = this.undo.get(record.hash) ?? [];
    for (let i = record.txids.length - 1; i >= 0; i--) {
      this.utxo.remove(record.txids[i]!);
      for (const coin of [...(spent[i] ?? [])].reverse()) this.utxo.restore(coin);
    }
    this.undo.delete(record.hash);
    this.active.pop();
    return record;
  }

  /** Core keeps failed blocks out of pindexBestHeader after a restart (LoadBlockIndex). */
  recomputeBestHeader(): void {
    const failed = this.failedSet();
    let best = this.active[0]!;
    for (const record of this.index.values()) {
      if (!failed.has(record.hash) && record.chainWork > best.chainWork) best = record;
    }
    this.bestHeader = best;
  }
}
