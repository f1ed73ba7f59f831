/**
 * One poll of the node: connect every new block in order from the stored tip (rolling back first
 * when the stored tip is no longer on the node's best chain), then check addresses learned late,
 * then follow the mempool. Blocks are fetched a few ahead of the one being committed, so node and
 * database work overlap; a reorg discards what was fetched ahead.
 */
import { readCursor, type Cursor } from '../adapters/db/chain-store.js';
import { backfillAddresses } from './backfill-addresses.js';
import { connectBlock, prepareBlock, type PreparedBlock } from './connect-block.js';
import type { CommittedEvents } from './deposit-events.js';
import type { ScanDependencies } from './dependencies.js';
import { MempoolFollower } from './follow-mempool.js';
import { rollBack } from './roll-back.js';

export interface PollReport {
  blocksConnected: number;
  reorgs: number;
  /** The scan ended at the node's tip (so the mempool was followed too). */
  reachedTip: boolean;
  tipHeight: number;
  events: Record<string, number>;
}

/**
 * Fetches and prepares blocks ahead of the scan, by height (exported for bench:deposits, which times
 * the catch-up through it). With the worker decoder, the blocks ahead also decode on another core.
 */
export class BlockPrefetcher {
  private readonly pending = new Map<number, Promise<PreparedBlock | undefined>>();

  constructor(
    private readonly deps: ScanDependencies,
    private readonly depth: number,
  ) {}

  /** The prepared block at `height` on the node's best chain, or undefined above its tip. */
  async take(height: number, nodeHeight: number): Promise<PreparedBlock | undefined> {
    for (let ahead = height; ahead <= Math.min(height + this.depth, nodeHeight); ahead += 1) {
      if (!this.pending.has(ahead)) {
        const fetching = this.fetch(ahead);
        fetching.catch(() => undefined); // awaited (and its error surfaced) by take() when its turn comes
        this.pending.set(ahead, fetching);
      }
    }
    const mine = this.pending.get(height) ?? this.fetch(height);
    this.pending.delete(height);
    return mine;
  }

  /** Forgets everything fetched ahead (after a reorg or an error, it may be from another chain). */
  reset(): void {
    this.pending.clear();
  }

  private async fetch(height: number): Promise<PreparedBlock | undefined> {
    const hash = await this.deps.node.getBlockHash(height);
    if (hash === undefined) return undefined;
    return prepareBlock(this.deps, await this.deps.node.getBlock(hash, height));
  }
}

export class ChainFollower {
  readonly mempool = new MempoolFollower();

  constructor(private readonly deps: ScanDependencies) {}

  async pollOnce(): Promise<PollReport> {
    const report: PollReport = { blocksConnected: 0, reorgs: 0, reachedTip: false, tipHeight: 0, events: {} };
    const count = (events: CommittedEvents): void => {
      for (const [type, n] of Object.entries(events.countByType())) {
        report.events[type] = (report.events[type] ?? 0) + n;
        this.deps.metrics.depositEvents.inc({ event: type }, n);
      }
    };
    let cursor = await readCursor(this.deps.knex);
    try {
      cursor = await this.syncBlocks(cursor, report, count);
    } finally {
      report.tipHeight = cursor.tipHeight;
      this.deps.metrics.scannedHeight.set(cursor.tipHeight);
    }
    const backfill = await backfillAddresses(this.deps, cursor);
    count(backfill.events);
    if (backfill.addresses > 0) this.mempool.addressesAdded();
    if (report.reachedTip) count(await this.mempool.poll(this.deps));
    return report;
  }

  private async syncBlocks(
    start: Cursor,
    report: PollReport,
    count: (events: CommittedEvents) => void,
  ): Promise<Cursor> {
    const { node, settings, metrics } = this.deps;
    const prefetcher = new BlockPrefetcher(this.deps, settings.blockPrefetch);
    let cursor = start;
    let bestHash = await node.getBestBlockHash();
    let nodeHeight = await node.getBlockCount();
    metrics.nodeHeight.set(nodeHeight);
    // Each round connects a block, rolls back, or re-reads the node after a race; bounded either way.
    for (let round = 0; round < settings.maxBlocksPerPoll * 2 + 10; round += 1) {
      if (report.blocksConnected >= settings.maxBlocksPerPoll) return cursor;
      if (cursor.tipHeight >= nodeHeight) {
        if (cursor.tipHash === bestHash || cursor.tipHash === null) {
          report.reachedTip = true;
          return cursor;
        }
        const hashAtTip = await node.getBlockHash(cursor.tipHeight);
        if (hashAtTip !== cursor.tipHash) {
          prefetcher.reset();
          cursor = await rollBack(this.deps, cursor);
          report.reorgs += 1;
          continue;
        }
        // Our tip is on the node's chain: the node moved on after we read it. Read it again.
        bestHash = await node.getBestBlockHash();
        nodeHeight = await node.getBlockCount();
        metrics.nodeHeight.set(nodeHeight);
        continue;
      }
      const started = process.hrtime.bigint();
      const prepared = await prefetcher.take(cursor.tipHeight + 1, nodeHeight).catch((error: unknown) => {
        prefetcher.reset();
        throw error;
      });
      if (prepared === undefined) {
        // The node's chain got shorter under us (a reorg in progress): read it again.
        nodeHeight = await node.getBlockCount();
        bestHash = await node.getBestBlockHash();
        prefetcher.reset();
        continue;
      }
      if (cursor.tipHash !== null && prepared.block.previousHash !== cursor.tipHash) {
        prefetcher.reset();
        cursor = await rollBack(this.deps, cursor);
        report.reorgs += 1;
        continue;
      }
      const connected = await connectBlock(this.deps, cursor, prepared);
      cursor = connected.cursor;
      count(connected.events);
      report.blocksConnected += 1;
      metrics.blocksScanned.inc();
      metrics.scannedHeight.set(cursor.tipHeight);
      metrics.blockScanDuration.observe(Number(process.hrtime.bigint() - started) / 1e9);
    }
    return cursor;
  }
}
