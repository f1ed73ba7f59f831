/**
 * Rolling back to the fork point after a reorg. The fork is found by walking the stored chain down
 * from the tip, comparing each stored hash with the node's best-chain hash at that height. Then, in
 * ONE transaction: deposits in disconnected blocks leave the chain (domain/reorg.ts), their events
 * and the deposit.reorg-detected alert are enqueued, the disconnected blocks are deleted, and the
 * cursor moves to the fork. The scan then connects the node's new blocks from there.
 */
import { randomUUID } from 'node:crypto';
import { enqueueTopicEvent, TOPICS } from '@dbay/contracts';
import {
  deleteBlocksAbove,
  lockCursorAt,
  lowestStoredHeight,
  moveCursor,
  storedBlocksDescending,
  type Cursor,
} from '../adapters/db/chain-store.js';
import { depositsAbove } from '../adapters/db/deposits.js';
import type { BlockRef } from '../domain/chain.js';
import { findForkPoint } from '../domain/fork.js';
import { decideRollback } from '../domain/reorg.js';
import { applyDecision, CommittedEvents } from './deposit-events.js';
import { mapWithConcurrency, RPC_FETCH_CONCURRENCY, type ScanDependencies } from './dependencies.js';

/** Stored blocks compared with the node per round trip while looking for the fork. */
export const FORK_SEARCH_BATCH = 16;

async function findFork(
  deps: ScanDependencies,
  tip: Cursor,
): Promise<{ fork: BlockRef | null; forkHeight: number }> {
  const lowest = await lowestStoredHeight(deps.knex);
  if (lowest === undefined) return { fork: null, forkHeight: tip.tipHeight };
  for (let from = tip.tipHeight; ;) {
    const batch = await storedBlocksDescending(deps.knex, from, FORK_SEARCH_BATCH);
    const hashes = await mapWithConcurrency(batch, RPC_FETCH_CONCURRENCY, (stored) =>
      deps.node.getBlockHash(stored.height),
    );
    const nodeHashAt = new Map(batch.map((stored, index) => [stored.height, hashes[index]]));
    const result = findForkPoint(batch, nodeHashAt, batch.at(-1)?.height === lowest);
    switch (result.kind) {
      case 'fork-found':
        return { fork: result.fork, forkHeight: result.fork.height };
      case 'no-common-block':
        return { fork: null, forkHeight: lowest - 1 };
      case 'keep-looking':
        from = result.belowHeight - 1;
        break;
      default: {
        const unreachable: never = result;
        throw new Error(`unknown fork search result ${JSON.stringify(unreachable)}`);
      }
    }
  }
}

export async function rollBack(deps: ScanDependencies, tip: Cursor): Promise<Cursor> {
  if (tip.tipHash === null) throw new Error('nothing stored to roll back');
  const { fork, forkHeight } = await findFork(deps, tip);
  const cursor: Cursor = { tipHeight: forkHeight, tipHash: fork?.hash ?? null };
  const events = new CommittedEvents();
  const rollback = await deps.knex.transaction(async (trx) => {
    const now = deps.now();
    await lockCursorAt(trx, tip);
    const disconnected = await depositsAbove(trx, forkHeight);
    const decided = decideRollback({
      network: deps.settings.network,
      oldTip: { height: tip.tipHeight, hash: tip.tipHash! },
      fork,
      forkHeight,
      requiredConfirmations: deps.settings.requiredConfirmations,
      disconnected,
    });
    for (const [index, decision] of decided.decisions.entries()) {
      const previous = disconnected[index]!;
      await applyDecision(trx, previous, decision, previous.correlationId, now, events);
    }
    await enqueueTopicEvent(trx, {
      topic: TOPICS.depositReorgDetected,
      key: deps.settings.network,
      payload: decided.alert,
      correlationId: randomUUID(),
    });
    await deleteBlocksAbove(trx, forkHeight);
    await moveCursor(trx, cursor);
    return decided;
  });

  const { alert } = rollback;
  deps.metrics.reorgs.inc();
  deps.metrics.lastReorgDepth.set(alert.depth);
  const details = { ...alert, newTipHeight: cursor.tipHeight, events: events.countByType() };
  if (alert.exceedsConfirmationDepth) {
    deps.metrics.deepReorgs.inc();
    deps.logger.error(
      details,
      'ALERT: reorg at least as deep as the confirmation depth, or touching a confirmed deposit',
    );
  } else {
    deps.logger.warn(details, 'Reorg: rolled back to the fork point');
  }
  return cursor;
}
