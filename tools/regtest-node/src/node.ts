/**
 * The simulated node: chain state, mempool and persistence, and the operations that change them the
 * way Dogecoin Core 1.14 does (ActivateBestChain with DisconnectTip/ConnectTip mempool updates,
 * InvalidateBlock, ResetBlockFailureFlags, generateBlocks). RPC methods and the test control surface
 * are thin layers over this class. Everything runs synchronously on one thread, so every RPC sees a
 * consistent state, as Core's cs_main gives it.
 */
import { Block, Transaction } from 'bitcoinjs-lib';
import { ECPairFactory, type ECPairInterface } from 'ecpair';
import * as ecc from 'tiny-secp256k1';
import { regtest } from '@dbay/dogecoin';
import { acceptToMemoryPool, type AcceptContext, type AcceptOptions, type AcceptResult } from './accept.js';
import { buildCoinbase, mineBlock, setWitnessCommitment } from './blocks.js';
import { ChainState, type BlockRecord } from './chainstate.js';
import { txidOfHash } from './coins.js';
import { blockSubsidy, COINBASE_MATURITY, GENESIS_HASH, MAX_TIP_AGE_SECONDS } from './consensus.js';
import { Mempool, type MempoolEntry } from './mempool.js';
import { selectTransactions } from './miner.js';
import { Store, type StoredState } from './store.js';

export const ECPair = ECPairFactory(ecc);

export interface NodeOptions {
  dataDir: string;
  /** Reject nonstandard transactions (dust, unknown scripts): Core regtest with -acceptnonstdtxn=0. */
  requireStandard?: boolean;
  /** Blocks mined to the faucet at start when it has no mature coins. */
  faucetBootstrapBlocks?: number;
  /** Milliseconds since the epoch; tests inject a clock. */
  clock?: () => number;
}

/** How long after a change the mempool snapshot is written; blocks are written before answering. */
const STATE_SAVE_DELAY_MS = 100;
/** Enough blocks that the first 11 faucet coinbases (5.5 million DOGE) are mature. */
const DEFAULT_FAUCET_BOOTSTRAP_BLOCKS = 70;

export class RegtestNode {
  readonly chain = new ChainState();
  readonly mempool = new Mempool();
  readonly requireStandard: boolean;
  readonly startedAt: number;
  faucet: ECPairInterface;
  /**
   * The congestion floor set by /control/congestion, in koinu per kB, or null for Core's normal block
   * assembly (selectTransactions). Kept in memory only, like a fault: a restart clears it.
   */
  congestionMinFeePerKb: bigint | null = null;
  private mockTime = 0;
  private ibdDone = false;
  private saveTimer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    private readonly store: Store,
    private readonly clock: () => number,
    options: NodeOptions,
  ) {
    this.requireStandard = options.requireStandard ?? true;
    this.faucet = ECPair.makeRandom({ network: regtest });
    this.startedAt = this.now();
  }

  static open(options: NodeOptions): RegtestNode {
    const node = new RegtestNode(new Store(options.dataDir), options.clock ?? Date.now, options);
    node.load();
    if (node.faucetMatureBalance() === 0n) {
      node.generate(
        options.faucetBootstrapBlocks ?? DEFAULT_FAUCET_BOOTSTRAP_BLOCKS,
        node.faucetP2pkScript(),
      );
    }
    node.saveNow();
    return node;
  }

  /** GetTime(): the mock time when set (setmocktime), else the clock, in seconds. */
  now(): number {
    return this.mockTime !== 0 ? this.mockTime : Math.floor(this.clock() / 1000);
  }

  setMockTime(seconds: number): void {
    this.mockTime = seconds;
    this.scheduleSave();
  }

  acceptContext(): AcceptContext {
    return {
      chain: this.chain,
      mempool: this.mempool,
      requireStandard: this.requireStandard,
      now: this.now(),
    };
  }

  /** AcceptToMemoryPool for a new transaction (sendrawtransaction, the faucet). */
  accept(tx: Transaction, options: AcceptOptions): AcceptResult {
    const result = acceptToMemoryPool(this.acceptContext(), tx, options);
    if (result.kind === 'accepted') this.scheduleSave();
    return result;
  }

  /** IsInitialBlockDownload: latches to false once the tip is recent. */
  isInitialBlockDownload(): boolean {
    if (this.ibdDone) return false;
    if (this.chain.tip.block.timestamp < this.now() - MAX_TIP_AGE_SECONDS) return true;
    this.ibdDone = true;
    return false;
  }

  // ------------------------------------------------------------------------------------ mining

  /**
   * generateBlocks: mine up to n blocks paying the coinbase to payTo. With extendTip the blocks are
   * connected on the current tip even while a longer branch exists, which is how a staged reorg
   * builds its replacement branch before it overtakes the old one.
   */
  generate(n: number, payTo: Uint8Array, maxTries = 1_000_000, extendTip = false): string[] {
    const hashes: string[] = [];
    let triesLeft = maxTries;
    let extraNonce = 1;
    while (hashes.length < n) {
      const tip = this.chain.tip;
      const height = tip.height + 1;
      const selection = selectTransactions(this.mempool, height, this.congestionMinFeePerKb);
      const coinbase = buildCoinbase(height, extraNonce, payTo, blockSubsidy(height) + selection.fees);
      setWitnessCommitment(coinbase, selection.transactions);
      const time = Math.max(this.chain.medianTimePast(tip) + 1, this.now());
      const mined = mineBlock(tip.hash, time, [coinbase, ...selection.transactions], triesLeft);
      if (!mined) break;
      triesLeft -= mined.triesUsed;
      // An identical block (same second, same contents) after a reorg would be a duplicate; Core would
      // refuse it, the simulator makes the next one different with a new extranonce.
      if (this.chain.index.has(mined.block.getId())) {
        extraNonce++;
        continue;
      }
      extraNonce = 1;
      hashes.push(this.processNewBlock(mined.block, extendTip).hash);
    }
    return hashes;
  }

  private processNewBlock(block: Block, extendTip: boolean): BlockRecord {
    const record = this.chain.addBlock(block);
    this.store.appendBlock({ hex: block.toHex(), seq: record.seq });
    if (extendTip) this.connectTip(record);
    else this.activateBestChain();
    this.scheduleSave();
    return record;
  }

  // ------------------------------------------------------------------------------------ chain changes

  /** ConnectTip plus mempool.removeForBlock: drop the block's transactions and their conflicts. */
  private connectTip(record: BlockRecord): void {
    this.chain.connect(record);
    for (const tx of record.transactions) {
      const txid = tx.getId();
      this.mempool.removeSet([txid]);
      for (const input of tx.ins) {
        const spender = this.mempool.spender(txidOfHash(input.hash), input.index);
        if (spender !== undefined && spender !== txid) this.mempool.removeRecursive(spender);
      }
    }
  }

  /** DisconnectTip: the block's transactions go back to the mempool if they are still valid. */
  private disconnectTip(): BlockRecord {
    const record = this.chain.disconnectTip();
    const context = this.acceptContext();
    for (const tx of record.transactions) {
      if (tx.isCoinbase()) continue;
      const result = acceptToMemoryPool(context, tx, { absurdFee: 0n, overrideMempoolLimit: true });
      if (result.kind !== 'accepted') this.mempool.removeRecursive(tx.getId());
    }
    return record;
  }

  /** CTxMemPool::removeForReorg: drop what spends missing or immature coinbases, or is not final. */
  private removeForReorg(): void {
    const spendHeight = this.chain.height + 1;
    const nextTime = this.chain.medianTimePast(this.chain.tip);
    for (const entry of this.mempool.all()) {
      if (!this.mempool.has(entry.txid)) continue;
      const locked =
        entry.tx.locktime !== 0 &&
        entry.tx.locktime >= (entry.tx.locktime < 500_000_000 ? spendHeight : nextTime) &&
        entry.tx.ins.some((input) => input.sequence !== 0xffffffff);
      const badCoinbaseSpend =
        entry.spendsCoinbase &&
        entry.tx.ins.some((input) => {
          const parent = txidOfHash(input.hash);
          if (this.mempool.has(parent)) return false;
          const coins = this.chain.utxo.get(parent);
          return !coins || (coins.coinbase && spendHeight - coins.height < COINBASE_MATURITY);
        });
      if (locked || badCoinbaseSpend) this.mempool.removeRecursive(entry.txid);
    }
  }

  /** ActivateBestChain: move to the most-work valid tip, through the fork point. */
  activateBestChain(): void {
    const best = this.chain.bestValidTip();
    if (best === this.chain.tip) return;
    const fork = this.chain.forkPoint(best);
    const disconnected = this.chain.tip !== fork;
    while (this.chain.tip !== fork) this.disconnectTip();
    if (disconnected) this.removeForReorg();
    const path: BlockRecord[] = [];
    for (
      let cursor: BlockRecord | undefined = best;
      cursor && cursor !== fork;
      cursor = this.chain.parent(cursor)
    ) {
      path.unshift(cursor);
    }
    for (const record of path) this.connectTip(record);
    this.scheduleSave();
  }

  /** InvalidateBlock then ActivateBestChain, as the invalidateblock RPC does. */
  invalidateBlock(record: BlockRecord): void {
    record.failed = true;
    let disconnected = false;
    while (this.chain.contains(record) && this.chain.tip.height > 0) {
      this.disconnectTip();
      disconnected = true;
    }
    if (disconnected) this.removeForReorg();
    this.activateBestChain();
    this.scheduleSave();
  }

  /** ResetBlockFailureFlags (the block, its descendants and its ancestors) then ActivateBestChain. */
  reconsiderBlock(record: BlockRecord): void {
    for (const candidate of this.chain.index.values()) {
      if (this.chain.ancestorAt(candidate, record.height) === record) candidate.failed = false;
    }
    for (let cursor: BlockRecord | undefined = record; cursor; cursor = this.chain.parent(cursor))
      cursor.failed = false;
    this.activateBestChain();
    this.scheduleSave();
  }

  /**
   * A staged reorg for tests: disconnect `depth` blocks (their transactions return to the mempool as
   * in Core), drop the given transactions (and their descendants), then mine `blocks` (> depth) new
   * blocks on the fork point, so the old branch becomes a valid fork with less work.
   */
  reorg(options: {
    depth: number;
    blocks: number;
    drop: string[];
    dropReturned: boolean;
    payTo: Uint8Array;
  }): {
    forkHeight: number;
    disconnected: string[];
    connected: string[];
    dropped: string[];
  } {
    const disconnectedBlocks: BlockRecord[] = [];
    for (let i = 0; i < options.depth; i++) disconnectedBlocks.push(this.disconnectTip());
    this.removeForReorg();
    const dropped: string[] = [];
    const dropOne = (txid: string): void => {
      for (const entry of this.mempool.removeRecursive(txid)) dropped.push(entry.txid);
    };
    if (options.dropReturned) {
      for (const record of disconnectedBlocks) for (const txid of record.txids.slice(1)) dropOne(txid);
    }
    for (const txid of options.drop) dropOne(txid);
    const forkHeight = this.chain.height;
    const connected = this.generate(options.blocks, options.payTo, 1_000_000, true);
    this.scheduleSave();
    return { forkHeight, disconnected: disconnectedBlocks.map((b) => b.hash), connected, dropped };
  }

  dropFromMempool(txid: string): MempoolEntry[] {
    const removed = this.mempool.removeRecursive(txid);
    this.scheduleSave();
    return removed;
  }

  // ------------------------------------------------------------------------------------ faucet

  faucetP2pkScript(): Uint8Array {
    return Uint8Array.from([this.faucet.publicKey.length, ...this.faucet.publicKey, 0xac]);
  }

  /** Mature faucet coins in the chain that no mempool transaction spends yet. */
  faucetMatureBalance(): bigint {
    const p2pk = Buffer.from(this.faucetP2pkScript()).toString('hex');
    const spendHeight = this.chain.height + 1;
    let total = 0n;
    for (const [txid, coins] of this.chain.utxo.entries()) {
      if (coins.coinbase && spendHeight - coins.height < COINBASE_MATURITY) continue;
      coins.outputs.forEach((coin, vout) => {
        if (coin && Buffer.from(coin.script).toString('hex') === p2pk && !this.mempool.spender(txid, vout)) {
          total += coin.value;
        }
      });
    }
    return total;
  }

  // ------------------------------------------------------------------------------------ persistence

  private load(): void {
    const stored = this.store.loadBlocks();
    for (const { hex, seq } of stored) {
      const block = Block.fromHex(hex);
      if (block.getId() === GENESIS_HASH) continue;
      this.chain.addBlock(block, seq);
    }
    const state = this.store.loadState();
    for (const hash of state?.invalidated ?? []) {
      const record = this.chain.index.get(hash);
      if (record) record.failed = true;
    }
    const target = (state && this.chain.index.get(state.tip)) ?? this.chain.bestValidTip();
    const path: BlockRecord[] = [];
    for (
      let cursor: BlockRecord | undefined = target;
      cursor && cursor.height > 0;
      cursor = this.chain.parent(cursor)
    ) {
      path.unshift(cursor);
    }
    // -txindex remembers transactions of blocks that were connected and later left the chain.
    for (const record of this.chain.index.values()) {
      if (record.height > 0) record.txids.forEach((txid) => this.chain.txIndex.set(txid, record.hash));
    }
    for (const record of path) this.chain.connect(record);
    this.chain.recomputeBestHeader();
    if (state) {
      this.faucet = ECPair.fromWIF(state.faucetWif, regtest);
      this.mockTime = state.mockTime;
      for (const { hex, time } of state.mempool) {
        acceptToMemoryPool(this.acceptContext(), Transaction.fromHex(hex), {
          absurdFee: 0n,
          overrideMempoolLimit: true,
          acceptTime: time,
        });
      }
    }
  }

  private snapshot(): StoredState {
    return {
      version: 1,
      tip: this.chain.tip.hash,
      invalidated: [...this.chain.index.values()].filter((r) => r.failed).map((r) => r.hash),
      mempool: this.mempool.topologicalOrder().map((e) => ({ hex: e.tx.toHex(), time: e.time })),
      faucetWif: this.faucet.toWIF(),
      mockTime: this.mockTime,
    };
  }

  private scheduleSave(): void {
    if (this.closed || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.saveNow();
    }, STATE_SAVE_DELAY_MS);
    this.saveTimer.unref();
  }

  saveNow(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    this.store.saveState(this.snapshot());
  }

  close(): void {
    if (this.closed) return;
    this.saveNow();
    this.closed = true;
    this.store.close();
  }
}
