/**
 * Connecting one block: match its outputs to watched addresses, then in ONE transaction store the
 * block, record new or moved deposits, count confirmations of every pending deposit against the new
 * tip, enqueue the events, and move the cursor. A crash before the commit leaves nothing; after it,
 * everything, so a restarted watcher resumes at the next block and misses or repeats nothing.
 */
import { randomUUID } from 'node:crypto';
import { lockCursorAt, insertBlock, moveCursor, type Cursor } from '../adapters/db/chain-store.js';
import { findDeposits, outpointKey, pendingInBlocks } from '../adapters/db/deposits.js';
import { watchedByPubkeyHashes } from '../adapters/db/watched-addresses.js';
import { checkRawTransaction } from '../adapters/rpc/raw-transaction.js';
import type { ChainBlock, ChainTransaction } from '../domain/chain.js';
import { seenInBlock, tipAdvanced } from '../domain/deposit.js';
import {
  distinctPubkeyHashes,
  matchPayments,
  p2pkhPayments,
  type MatchedPayment,
  type WatchedAddress,
} from '../domain/matching.js';
import { applyDecision, CommittedEvents } from './deposit-events.js';
import { mapWithConcurrency, RPC_FETCH_CONCURRENCY, type ScanDependencies } from './dependencies.js';

/** A block fetched and matched, ready to commit; preparing touches no state. */
export interface PreparedBlock {
  block: ChainBlock;
  matched: MatchedPayment[];
  rawHexByTxid: Map<string, string>;
  /** When the watched addresses were read for this block (see backfill-addresses.ts). */
  scannedAt: Date;
}

/**
 * The raw hex of every transaction with a matched output, checked against the JSON (hash = txid,
 * same values and scripts). Core 1.14 gives no hex in getblock, so each is fetched (-txindex).
 */
export async function rawHexOfMatched(
  deps: ScanDependencies,
  method: string,
  transactions: ReadonlyMap<string, ChainTransaction>,
  matched: readonly MatchedPayment[],
): Promise<Map<string, string>> {
  const txids = [...new Set(matched.map((payment) => payment.txid))];
  const hexes = await mapWithConcurrency(txids, RPC_FETCH_CONCURRENCY, async (txid) => {
    const transaction = transactions.get(txid);
    if (transaction === undefined) throw new Error(`matched transaction ${txid} is not in the batch`);
    const hex = transaction.hex ?? (await deps.node.getRawTransactionHex(txid));
    const claims = matched
      .filter((payment) => payment.txid === txid)
      .map((payment) => ({
        vout: payment.vout,
        valueKoinu: payment.amountKoinu,
        scriptPubKeyHex: transaction.outputs[payment.vout]!.scriptPubKeyHex,
      }));
    checkRawTransaction(method, txid, hex, claims);
    return hex;
  });
  return new Map(txids.map((txid, index) => [txid, hexes[index]!]));
}

/** The block's transactions that pay the matched outputs, by txid (not all of a full block's 4,424). */
function transactionsPaying(
  block: ChainBlock,
  matched: readonly MatchedPayment[],
): Map<string, ChainTransaction> {
  const txids = new Set(matched.map((payment) => payment.txid));
  return new Map(block.transactions.filter((tx) => txids.has(tx.txid)).map((tx) => [tx.txid, tx]));
}

export async function prepareBlock(deps: ScanDependencies, block: ChainBlock): Promise<PreparedBlock> {
  // Taken before the refresh: every address watched by then is in the set (see backfill-addresses.ts).
  const scannedAt = deps.now();
  await deps.watchedHashes.refresh();
  const candidates = p2pkhPayments(block.transactions, (hash) => deps.watchedHashes.has(hash));
  const watched =
    candidates.length === 0
      ? new Map<string, WatchedAddress>()
      : await watchedByPubkeyHashes(deps.knex, distinctPubkeyHashes(candidates));
  const matched = matchPayments(candidates, watched);
  const rawHexByTxid =
    matched.length === 0
      ? new Map<string, string>()
      : await rawHexOfMatched(deps, 'getrawtransaction', transactionsPaying(block, matched), matched);
  return { block, matched, rawHexByTxid, scannedAt };
}

/** Commits the prepared block on top of `expected`; returns the new cursor and what was enqueued. */
export async function connectBlock(
  deps: ScanDependencies,
  expected: Cursor,
  prepared: PreparedBlock,
): Promise<{ cursor: Cursor; events: CommittedEvents }> {
  const { block } = prepared;
  if (block.height !== expected.tipHeight + 1) {
    throw new Error(`block ${block.height} does not follow the stored tip ${expected.tipHeight}`);
  }
  if (expected.tipHash !== null && block.previousHash !== expected.tipHash) {
    throw new Error(`block ${block.hash} does not build on the stored tip ${expected.tipHash}`);
  }
  const tip = { height: block.height, hash: block.hash };
  const events = new CommittedEvents();
  await deps.knex.transaction(async (trx) => {
    const now = deps.now();
    await lockCursorAt(trx, expected);
    await insertBlock(trx, block, prepared.scannedAt);
    const existing = await findDeposits(trx, prepared.matched);
    for (const payment of prepared.matched) {
      const key = outpointKey(payment.txid, payment.vout);
      const previous = existing.get(key);
      const decision = seenInBlock(previous, payment, prepared.rawHexByTxid.get(payment.txid)!, tip);
      existing.set(key, await applyDecision(trx, previous, decision, randomUUID(), now, events));
    }
    for (const deposit of await pendingInBlocks(trx)) {
      await applyDecision(
        trx,
        deposit,
        tipAdvanced(deposit, tip, deps.settings.requiredConfirmations),
        deposit.correlationId,
        now,
        events,
      );
    }
    await moveCursor(trx, { tipHeight: block.height, tipHash: block.hash });
  });
  return { cursor: { tipHeight: block.height, tipHash: block.hash }, events };
}
