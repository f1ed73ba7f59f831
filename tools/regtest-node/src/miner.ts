/**
 * Block assembly as BlockAssembler::CreateNewBlock does it in Dogecoin Core 1.14 (src/miner.cpp):
 * first the priority area (DEFAULT_BLOCK_PRIORITY_SIZE bytes for old, large coins, addPriorityTxs),
 * then packages by ancestor fee rate down to -blockmintxfee (0.01 DOGE/kB, addPackageTxs). A
 * transaction paying only the 0.001 DOGE/kB relay minimum is therefore accepted into the mempool but
 * mined only once its inputs have aged enough priority, exactly as on a real node.
 *
 * A congestion floor (set by /control/congestion) models a busy mainnet miner, as Core started with
 * -blockprioritysize=0 -blockmintxfee=<floor>: addPriorityTxs returns at once, and addPackageTxs stops
 * at the first package whose ancestor fee rate is below the floor. A low-fee parent then waits in the
 * mempool until a child lifts its package above the floor (child pays for parent).
 */
import type { Transaction } from 'bitcoinjs-lib';
import { BLOCK_MAX_SIZE, BLOCK_MIN_TX_FEE_PER_KB, BLOCK_PRIORITY_SIZE } from './consensus.js';
import { feeForSize } from './accept.js';
import { allowFree, priorityAt, type Mempool, type MempoolEntry } from './mempool.js';

/** Space BlockAssembler reserves for the coinbase before adding transactions (nBlockSize starts at 1000). */
const COINBASE_RESERVED_SIZE = 1000;

export interface BlockSelection {
  transactions: Transaction[];
  fees: bigint;
}

/**
 * The transactions of the next block. congestionMinFeePerKb (koinu per kB), when not null, skips the
 * priority area and replaces -blockmintxfee as the lowest ancestor-package fee rate taken.
 */
export function selectTransactions(
  mempool: Mempool,
  height: number,
  congestionMinFeePerKb: bigint | null = null,
): BlockSelection {
  const included = new Set<string>();
  const chosen: MempoolEntry[] = [];
  let blockSize = COINBASE_RESERVED_SIZE;
  const fits = (entries: MempoolEntry[]): boolean =>
    blockSize + entries.reduce((sum, e) => sum + e.vsize, 0) < BLOCK_MAX_SIZE;
  const include = (entry: MempoolEntry): void => {
    included.add(entry.txid);
    chosen.push(entry);
    blockSize += entry.vsize;
  };
  const waitingOnParents = (entry: MempoolEntry): boolean =>
    [...mempool.parents(entry.txid)].some((parent) => !included.has(parent));

  // addPriorityTxs: best priority first; the area closes once it is full or a tx fell below AllowFree.
  const byPriority = mempool.all().sort((a, b) => priorityAt(b, height) - priorityAt(a, height));
  let progress = true;
  // -blockprioritysize=0: a congested miner fills its blocks with paying packages only.
  let priorityDone = congestionMinFeePerKb !== null;
  while (!priorityDone && progress) {
    progress = false;
    for (const entry of byPriority) {
      if (included.has(entry.txid) || waitingOnParents(entry) || !fits([entry])) continue;
      include(entry);
      progress = true;
      if (blockSize >= BLOCK_PRIORITY_SIZE || !allowFree(priorityAt(entry, height))) priorityDone = true;
      break;
    }
  }

  // addPackageTxs: the best ancestor-package fee rate next, until it drops below -blockmintxfee.
  const minFeePerKb = congestionMinFeePerKb ?? BLOCK_MIN_TX_FEE_PER_KB;
  for (;;) {
    let best: { entries: MempoolEntry[]; fee: bigint; size: number } | undefined;
    for (const entry of mempool.all()) {
      if (included.has(entry.txid)) continue;
      const pending = [...mempool.ancestorsOf(entry.tx)]
        .filter((id) => !included.has(id))
        .map((id) => mempool.get(id)!);
      const entries = mempool.topologicalOrder([...pending.map((e) => e.txid), entry.txid]);
      const fee = entries.reduce((sum, e) => sum + e.fee, 0n);
      const size = entries.reduce((sum, e) => sum + e.vsize, 0);
      if (!best || fee * BigInt(best.size) > best.fee * BigInt(size)) best = { entries, fee, size };
    }
    if (!best || best.fee < feeForSize(minFeePerKb, best.size) || !fits(best.entries)) break;
    best.entries.forEach(include);
  }

  return { transactions: chosen.map((e) => e.tx), fees: chosen.reduce((sum, e) => sum + e.fee, 0n) };
}
