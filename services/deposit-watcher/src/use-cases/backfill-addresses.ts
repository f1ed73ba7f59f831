/**
 * Addresses learned late. The scanner matches each block against the addresses it knows when it
 * reads the block; an address whose deposit-address.assigned event arrives after the block that pays
 * it was scanned (consumer lag, a restart, Kafka trouble) would be missed. So each new address is
 * checked once: every stored block scanned between its assignment time (the wallet's
 * envelope.occurredAt, minus a clock-skew margin) and the moment the watcher started watching it
 * (plus the margin) is fetched again and matched against the new addresses. A payment can only exist
 * after the address was assigned, and every block scanned later already saw the address, so that
 * window is exactly the blocks that could have missed it.
 */
import { randomUUID } from 'node:crypto';
import { blocksScannedBetween, lockCursorAt, type Cursor } from '../adapters/db/chain-store.js';
import { findDeposits, outpointKey } from '../adapters/db/deposits.js';
import { addressesAwaitingBackfill, markBackfilled } from '../adapters/db/watched-addresses.js';
import type { BlockRef } from '../domain/chain.js';
import { seenInBlock, tipAdvanced } from '../domain/deposit.js';
import {
  matchPayments,
  p2pkhPayments,
  type MatchedPayment,
  type WatchedAddress,
} from '../domain/matching.js';
import { rawHexOfMatched } from './connect-block.js';
import { applyDecision, CommittedEvents } from './deposit-events.js';
import type { ScanDependencies } from './dependencies.js';

/** Addresses checked per pass; more wait for the next poll. */
export const BACKFILL_ADDRESS_BATCH = 1_000;

interface Found {
  block: BlockRef;
  matched: MatchedPayment[];
  rawHexByTxid: Map<string, string>;
}

export interface BackfillReport {
  addresses: number;
  blocks: number;
  events: CommittedEvents;
}

export async function backfillAddresses(deps: ScanDependencies, cursor: Cursor): Promise<BackfillReport> {
  const events = new CommittedEvents();
  const awaiting = await addressesAwaitingBackfill(deps.knex, BACKFILL_ADDRESS_BATCH);
  if (awaiting.length === 0) return { addresses: 0, blocks: 0, events };

  const margin = deps.settings.backfillMarginMs;
  const from = new Date(Math.min(...awaiting.map((address) => address.assignedAt.getTime())) - margin);
  const to = new Date(Math.max(...awaiting.map((address) => address.watchedAt.getTime())) + margin);
  const blocks = await blocksScannedBetween(deps.knex, from, to);
  const watched = new Map<string, WatchedAddress>(awaiting.map((address) => [address.pubkeyHash, address]));

  const found: Found[] = [];
  for (const ref of blocks) {
    const block = await deps.node.getBlock(ref.hash, ref.height);
    const matched = matchPayments(p2pkhPayments(block.transactions), watched);
    if (matched.length === 0) continue;
    const transactions = new Map(block.transactions.map((tx) => [tx.txid, tx]));
    found.push({
      block: ref,
      matched,
      rawHexByTxid: await rawHexOfMatched(deps, 'getrawtransaction', transactions, matched),
    });
  }

  await deps.knex.transaction(async (trx) => {
    // The stored chain must be the one the blocks above were read from.
    await lockCursorAt(trx, cursor);
    const now = deps.now();
    if (cursor.tipHash !== null) {
      const tip = { height: cursor.tipHeight, hash: cursor.tipHash };
      for (const { block, matched, rawHexByTxid } of found) {
        const existing = await findDeposits(trx, matched);
        for (const payment of matched) {
          const previous = existing.get(outpointKey(payment.txid, payment.vout));
          // Already in a block: the scan saw it after all. Otherwise it is anchored (or detected) now.
          if (previous?.block) continue;
          const seen = seenInBlock(previous, payment, rawHexByTxid.get(payment.txid)!, block);
          const stored = await applyDecision(trx, previous, seen, randomUUID(), now, events);
          await applyDecision(
            trx,
            stored,
            tipAdvanced(stored, tip, deps.settings.requiredConfirmations),
            stored.correlationId,
            now,
            events,
          );
        }
      }
    }
    await markBackfilled(
      trx,
      awaiting.map((address) => address.address),
    );
  });

  const report = { addresses: awaiting.length, blocks: blocks.length, events };
  if (events.events.length > 0) {
    deps.logger.warn(
      { addresses: report.addresses, blocks: report.blocks, events: events.countByType() },
      'Found deposits to addresses learned after their blocks were scanned',
    );
  } else {
    deps.logger.debug(
      { addresses: report.addresses, blocks: report.blocks },
      'Checked new addresses against recent blocks',
    );
  }
  return report;
}
