/**
 * One reconciliation run: every check, in two lanes run at once (see inLanes), each fed by its source (rows already in koinu) and
 * judged by its pure function in domain/checks, each finding recorded (table + event) as it is found.
 * The report summarises the checks and carries the first findings in full; the exit code of the
 * one-shot process is derived from it.
 */
import type { Logger } from 'pino';
import type { Finding, ReconciliationReport } from './domain/findings.js';
import type { GraceWindow } from './domain/grace.js';
import { auctionChecksExamining } from './domain/checks/auction-book.js';
import { checkAuctionClosedNoLock } from './domain/checks/auction-closed-no-lock.js';
import { checkAuctionLockIsLeaders } from './domain/checks/auction-lock-is-leaders.js';
import { checkAuctionSoldHasOrder } from './domain/checks/auction-sold-has-order.js';
import { checkBalanceAfter } from './domain/checks/balance-after-continuity.js';
import { checkBidLocksMatchBids } from './domain/checks/bid-lock-matches-bids.js';
import { checkChainCoverage } from './domain/checks/chain-covers-liabilities.js';
import { checkDepositCredited } from './domain/checks/deposit-credited-once.js';
import { checkHotWalletCoin, type HotWalletCoin } from './domain/checks/hot-wallet-coin-unspent.js';
import { checkLedgerZeroSum } from './domain/checks/ledger-zero-sum.js';
import { checkLocked } from './domain/checks/locked-vs-escrow-and-bids.js';
import { checkOrderEscrow, checksExamining } from './domain/checks/order-escrow.js';
import { checkPlatformAccount } from './domain/checks/platform-account-sum.js';
import { checkTransactionBalanced } from './domain/checks/transaction-balanced.js';
import { checkUserLedger } from './domain/checks/user-ledger.js';
import { checkWithdrawalFinalized } from './domain/checks/withdrawal-finalized-once.js';
import { checkColdTransferBooked } from './domain/checks/cold-transfer-booked.js';
import type {
  ColdCoin,
  AuctionReads,
  ChainReads,
  CrossServiceReads,
  FindingWriter,
  OrderReads,
  ReconcilerSources,
  WalletReads,
  WalletTotals,
} from './ports.js';
import { Recorder } from './recorder.js';

/** gettxout calls in flight at once: enough to hide RPC latency, few enough not to load the node. */
export const CHAIN_CONCURRENCY = 8;

export interface ReconcileDependencies {
  runId: string;
  sources: ReconcilerSources;
  /** null runs the ledger and cross-service checks alone (CHAIN_CHECKS=false). */
  chain: ChainReads | null;
  sink: FindingWriter;
  logger: Logger;
  /** Work in flight between two services younger than this is not a finding. */
  graceSeconds: number;
  onFinding?: (finding: Finding) => void;
}

export async function reconcile(deps: ReconcileDependencies): Promise<ReconciliationReport> {
  const startedAt = new Date();
  const recorder = new Recorder(deps.sink, deps.logger, deps.onFinding);
  const { wallet, crossService, orders, auctions } = deps.sources;
  const windowNow = async (): Promise<GraceWindow> => ({
    now: await crossService.databaseNow(),
    graceSeconds: deps.graceSeconds,
  });

  // Two lanes over different tables, so Postgres runs a pass of each at once (one per core): the
  // wallet's own book, and its pairs with the other services' records. Each lane's checks run in turn.
  const [totals] = await inLanes(
    async () => {
      const walletTotals = await wallet.bookTotals();
      await checkUsers(recorder, wallet, walletTotals);
      await checkLedger(recorder, wallet, walletTotals);
      return walletTotals;
    },
    async () => {
      await checkDeposits(recorder, crossService, await windowNow());
      await checkWithdrawals(recorder, crossService, await windowNow());
      await checkColdTransfers(recorder, crossService, await windowNow());
      await checkOrders(recorder, orders, await windowNow());
      await checkAuctions(recorder, auctions, await windowNow());
    },
  );
  if (deps.chain) await checkChain(recorder, crossService, deps.chain, totals);
  return recorder.finish(deps.runId, startedAt);
}

/**
 * Runs both lanes at once and waits for both, even when one fails first (so no query outlives the run),
 * then throws the first failure.
 */
export async function inLanes<A, B>(a: () => Promise<A>, b: () => Promise<B>): Promise<[A, B]> {
  const [first, second] = await Promise.allSettled([a(), b()]);
  if (first.status === 'rejected') throw first.reason;
  if (second.status === 'rejected') throw second.reason;
  return [first.value, second.value];
}

async function checkUsers(recorder: Recorder, wallet: WalletReads, totals: WalletTotals): Promise<void> {
  const checks = ['user-ledger-sum', 'user-bucket-sum', 'locked-vs-escrow-and-bids'] as const;
  await recorder.timed(checks, async () => {
    for (const check of checks) recorder.examined(check, totals.users);
    for await (const user of wallet.userCandidates()) {
      await recorder.report([
        ...checkUserLedger(user.wallet, user.nets),
        ...checkLocked(user.wallet, user.openEscrowKoinu, user.activeBidsKoinu),
      ]);
    }
  });
}

async function checkLedger(recorder: Recorder, wallet: WalletReads, totals: WalletTotals): Promise<void> {
  await recorder.timed(['balance-after-continuity'], async () => {
    recorder.examined('balance-after-continuity', totals.entries);
    for await (const entry of wallet.continuityCandidates()) await recorder.report(checkBalanceAfter(entry));
  });
  await recorder.timed(['platform-account-sum', 'transaction-balanced', 'ledger-zero-sum'], async () => {
    const accounts = await wallet.platformAccounts();
    recorder.examined('platform-account-sum', accounts.length);
    for (const account of accounts) await recorder.report(checkPlatformAccount(account));
    recorder.examined('transaction-balanced', totals.entries);
    for await (const transaction of wallet.unbalancedTransactions()) {
      await recorder.report(checkTransactionBalanced(transaction));
    }
    recorder.examined('ledger-zero-sum');
    await recorder.report(checkLedgerZeroSum(totals));
  });
}

async function checkDeposits(
  recorder: Recorder,
  crossService: CrossServiceReads,
  window: GraceWindow,
): Promise<void> {
  await recorder.timed(['deposit-credited-once'], async () => {
    recorder.examined('deposit-credited-once', await crossService.confirmedDeposits());
    for await (const pair of crossService.depositPairs())
      await recorder.report(checkDepositCredited(pair, window));
  });
}

async function checkWithdrawals(
  recorder: Recorder,
  crossService: CrossServiceReads,
  window: GraceWindow,
): Promise<void> {
  await recorder.timed(['withdrawal-finalized-once'], async () => {
    recorder.examined('withdrawal-finalized-once', await crossService.confirmedWithdrawals());
    for await (const pair of crossService.withdrawalPairs()) {
      await recorder.report(checkWithdrawalFinalized(pair, window));
    }
  });
}

async function checkColdTransfers(
  recorder: Recorder,
  crossService: CrossServiceReads,
  window: GraceWindow,
): Promise<void> {
  await recorder.timed(['cold-transfer-booked'], async () => {
    for await (const pair of crossService.coldTransferPairs()) {
      recorder.examined('cold-transfer-booked');
      await recorder.report(checkColdTransferBooked(pair, window));
    }
  });
}

async function checkOrders(recorder: Recorder, orders: OrderReads, window: GraceWindow): Promise<void> {
  await recorder.timed(['order-escrow-held', 'order-escrow-settled', 'escrow-has-order'], async () => {
    for await (const pair of orders.orderEscrowPairs()) {
      for (const check of checksExamining(pair)) recorder.examined(check);
      await recorder.report(checkOrderEscrow(pair, window));
    }
  });
}

async function checkAuctions(recorder: Recorder, auctions: AuctionReads, window: GraceWindow): Promise<void> {
  const checks = [
    'bid-lock-matches-bids',
    'auction-lock-is-leaders',
    'auction-closed-no-lock',
    'auction-sold-has-order',
  ] as const;
  await recorder.timed(checks, async () => {
    for await (const book of auctions.auctionBooks()) {
      for (const [check, rows] of auctionChecksExamining(book)) recorder.examined(check, rows);
      await recorder.report([
        ...checkBidLocksMatchBids(book, window),
        ...checkAuctionLockIsLeaders(book, window),
        ...checkAuctionClosedNoLock(book, window),
        ...checkAuctionSoldHasOrder(book, window),
      ]);
    }
  });
}

/** Runs `each` on every item of `items`, at most `limit` at once (in rounds of `limit`). */
export async function forEachAtMost<T>(
  limit: number,
  items: AsyncIterable<T>,
  each: (item: T) => Promise<void>,
): Promise<void> {
  let running: Array<Promise<void>> = [];
  for await (const item of items) {
    running.push(each(item));
    if (running.length >= limit) {
      await Promise.all(running);
      running = [];
    }
  }
  await Promise.all(running);
}

/** Every coin the saga holds as unspent, asked of the node a few at a time; then their sum against liabilities. */
async function checkChain(
  recorder: Recorder,
  crossService: CrossServiceReads,
  chain: ChainReads,
  totals: WalletTotals,
): Promise<void> {
  await recorder.timed(['hot-wallet-coin-unspent', 'chain-covers-liabilities'], async () => {
    let holdingsKoinu = 0n;
    const examine = async (coin: HotWalletCoin): Promise<void> => {
      const onChainKoinu = (await chain.getTxOut(coin.txid, coin.vout, true))?.valueKoinu ?? null;
      holdingsKoinu += onChainKoinu ?? 0n;
      recorder.examined('hot-wallet-coin-unspent');
      await recorder.report(checkHotWalletCoin(coin, onChainKoinu));
    };
    await forEachAtMost(CHAIN_CONCURRENCY, crossService.unspentCoins(), examine);
    // The cold account's coins count too while unspent; a spent one was moved by a person (a refill).
    let coldKoinu = 0n;
    await forEachAtMost(CHAIN_CONCURRENCY, crossService.coldCoins(), async (coin: ColdCoin) => {
      // Read the node first, then add: `coldKoinu += await ...` would read the sum before the await and
      // lose the other concurrent lookups' additions.
      const onChainKoinu = (await chain.getTxOut(coin.txid, coin.vout, true))?.valueKoinu ?? 0n;
      coldKoinu += onChainKoinu;
    });
    const broadcastNotFinalizedKoinu = await crossService.inFlightWithdrawalsKoinu();
    recorder.examined('chain-covers-liabilities');
    await recorder.report(
      checkChainCoverage(holdingsKoinu, totals.userLiabilitiesKoinu, broadcastNotFinalizedKoinu, coldKoinu),
    );
  });
}
