/**
 * Finding where the node's chain and the stored chain part. The watcher stores every scanned block's
 * height and hash; when the node no longer has the stored tip on its best chain, the watcher walks
 * back from its tip, comparing stored hashes with the node's hash at the same height, until they
 * agree: that block is the fork point, and everything above it is rolled back and rescanned.
 */
import type { BlockRef } from './chain.js';

export type ForkSearch =
  /** The highest stored block that the node's best chain still contains. */
  | { kind: 'fork-found'; fork: BlockRef }
  /** No block of this batch is on the node's chain; look at the stored blocks below `belowHeight`. */
  | { kind: 'keep-looking'; belowHeight: number }
  /** Not even the lowest stored block is on the node's chain: roll back everything stored. */
  | { kind: 'no-common-block' };

/**
 * Looks for the fork point in one batch of stored blocks, highest first, given the node's hash at
 * each of those heights (undefined where the node's chain is shorter). `isLowestBatch` says the
 * batch reaches the lowest stored block, so a miss means there is no common block at all.
 */
export function findForkPoint(
  storedDescending: readonly BlockRef[],
  nodeHashAt: ReadonlyMap<number, string | undefined>,
  isLowestBatch: boolean,
): ForkSearch {
  let previousHeight: number | undefined;
  for (const stored of storedDescending) {
    if (previousHeight !== undefined && stored.height !== previousHeight - 1) {
      throw new Error(`stored blocks are not contiguous: ${stored.height} follows ${previousHeight}`);
    }
    previousHeight = stored.height;
    if (nodeHashAt.get(stored.height) === stored.hash) return { kind: 'fork-found', fork: stored };
  }
  if (isLowestBatch || previousHeight === undefined) return { kind: 'no-common-block' };
  return { kind: 'keep-looking', belowHeight: previousHeight };
}

/** Depth of a reorg: how many stored blocks it disconnects. */
export function reorgDepth(oldTipHeight: number, forkHeight: number): number {
  if (forkHeight > oldTipHeight) throw new Error(`fork ${forkHeight} above tip ${oldTipHeight}`);
  return oldTipHeight - forkHeight;
}

/**
 * A reorg is an alert when it is at least as deep as the confirmation depth: from there on it can
 * remove a deposit that was already confirmed (and credited). A deposit confirmed at N confirmations
 * sits N - 1 blocks below the tip, so disconnecting N blocks reaches it.
 */
export function exceedsConfirmationDepth(depth: number, requiredConfirmations: number): boolean {
  return depth >= requiredConfirmations;
}
