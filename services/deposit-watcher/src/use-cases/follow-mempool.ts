/**
 * Following the mempool, once per poll after the block scan reached the node's tip:
 *
 * 1. New mempool transactions are fetched (getrawtransaction, verbose) and their P2PKH outputs
 *    remembered by txid; a payment to a watched address becomes a deposit with 0 confirmations
 *    (deposit.detected). The memory is pruned to the current mempool each poll, and re-matched in
 *    full when addresses were added, so an address learned late still sees mempool payments.
 * 2. Every deposit that is in no block (never mined, or taken out of the chain by a reorg) is looked
 *    for in the mempool listing. Absent from both for DEPOSIT_MEMPOOL_DROP_POLLS complete polls in a
 *    row, it is reversed (domain/deposit.ts, missingFromNode).
 *
 * Both happen in one transaction per poll.
 */
import { randomUUID } from 'node:crypto';
import { findDeposits, outpointKey, depositsOutOfChain } from '../adapters/db/deposits.js';
import { watchedByPubkeyHashes } from '../adapters/db/watched-addresses.js';
import { RpcError, RPC_INVALID_ADDRESS_OR_KEY } from '@dbay/chain-rpc';
import type { ChainTransaction } from '../domain/chain.js';
import { missingFromNode, seenInMempool } from '../domain/deposit.js';
import {
  distinctPubkeyHashes,
  matchPayments,
  p2pkhPayments,
  type P2pkhPayment,
  type WatchedAddress,
} from '../domain/matching.js';
import { rawHexOfMatched } from './connect-block.js';
import { applyDecision, CommittedEvents } from './deposit-events.js';
import { mapWithConcurrency, RPC_FETCH_CONCURRENCY, type ScanDependencies } from './dependencies.js';

interface Remembered {
  payments: P2pkhPayment[];
  transaction: ChainTransaction;
}

export class MempoolFollower {
  /** Mempool transactions already fetched, with their P2PKH payments (pruned to the mempool). */
  private readonly remembered = new Map<string, Remembered>();
  private rematchAll = false;

  /** Watched addresses were added: match every remembered mempool transaction again next poll. */
  addressesAdded(): void {
    this.rematchAll = true;
  }

  get rememberedCount(): number {
    return this.remembered.size;
  }

  async poll(deps: ScanDependencies): Promise<CommittedEvents> {
    const mempool = await deps.node.getRawMempool();
    const inMempool = new Set(mempool);
    for (const txid of this.remembered.keys()) if (!inMempool.has(txid)) this.remembered.delete(txid);

    const fresh = mempool
      .filter((txid) => !this.remembered.has(txid))
      .slice(0, deps.settings.mempoolFetchLimit);
    const fetched = await mapWithConcurrency(fresh, RPC_FETCH_CONCURRENCY, (txid) =>
      deps.node.getTransaction(txid),
    );
    const freshPayments: P2pkhPayment[] = [];
    for (const transaction of fetched) {
      // Undefined: it left the mempool between the listing and the fetch; the next poll tells.
      if (transaction === undefined) continue;
      const payments = p2pkhPayments([transaction]);
      this.remembered.set(transaction.txid, { payments, transaction });
      freshPayments.push(...payments);
    }
    deps.metrics.mempoolTransactionsExamined.inc(fetched.length);

    const rematch = this.rematchAll;
    const candidates = rematch
      ? [...this.remembered.values()].flatMap((entry) => entry.payments)
      : freshPayments;
    await deps.watchedHashes.refresh();
    const maybeWatched = candidates.filter((payment) => deps.watchedHashes.has(payment.pubkeyHash));
    const watched =
      maybeWatched.length === 0
        ? new Map<string, WatchedAddress>()
        : await watchedByPubkeyHashes(deps.knex, distinctPubkeyHashes(maybeWatched));
    const matched = matchPayments(maybeWatched, watched);
    const transactions = new Map<string, ChainTransaction>();
    for (const payment of matched)
      transactions.set(payment.txid, this.remembered.get(payment.txid)!.transaction);
    const rawHexByTxid = await this.rawHexes(deps, transactions, matched);

    const events = new CommittedEvents();
    await deps.knex.transaction(async (trx) => {
      const now = deps.now();
      const existing = await findDeposits(trx, matched);
      for (const payment of matched) {
        const hex = rawHexByTxid.get(payment.txid);
        if (hex === undefined) continue;
        const key = outpointKey(payment.txid, payment.vout);
        const previous = existing.get(key);
        existing.set(
          key,
          await applyDecision(
            trx,
            previous,
            seenInMempool(previous, payment, hex),
            randomUUID(),
            now,
            events,
          ),
        );
      }
      for (const deposit of await depositsOutOfChain(trx)) {
        const decision = inMempool.has(deposit.txid)
          ? { deposit: { ...deposit, missingPolls: 0 }, events: [] }
          : missingFromNode(deposit, deps.settings.mempoolDropPolls);
        await applyDecision(trx, deposit, decision, deposit.correlationId, now, events);
      }
    });
    if (rematch) this.rematchAll = false;
    return events;
  }

  /** Raw hex of matched transactions; one that left the node meanwhile is skipped for this poll. */
  private async rawHexes(
    deps: ScanDependencies,
    transactions: Map<string, ChainTransaction>,
    matched: ReturnType<typeof matchPayments>,
  ): Promise<Map<string, string>> {
    if (matched.length === 0) return new Map();
    try {
      return await rawHexOfMatched(deps, 'getrawtransaction', transactions, matched);
    } catch (error) {
      if (!(error instanceof RpcError && error.code === RPC_INVALID_ADDRESS_OR_KEY)) throw error;
      // One of them was mined or evicted between calls: take them one by one.
      const result = new Map<string, string>();
      for (const txid of transactions.keys()) {
        const own = matched.filter((payment) => payment.txid === txid);
        try {
          for (const [key, hex] of await rawHexOfMatched(deps, 'getrawtransaction', transactions, own))
            result.set(key, hex);
        } catch (inner) {
          if (!(inner instanceof RpcError && inner.code === RPC_INVALID_ADDRESS_OR_KEY)) throw inner;
        }
      }
      return result;
    }
  }
}
