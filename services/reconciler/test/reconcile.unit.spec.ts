// Proves the run's orchestration over in-memory sources: the report lists every check with the rows
// its source examined; each finding of a pure check reaches the sink and the report, while work in
// flight reaches neither; without a node the chain checks are skipped; and past the report's limit
// findings are counted as truncated while every one still reaches the sink.
import { expect } from 'chai';
import { pino } from 'pino';
import { CHECKS, REPORT_FINDINGS_LIMIT, type Finding } from '../src/domain/findings.js';
import type { AuctionBook } from '../src/domain/checks/auction-book.js';
import type { DepositPair } from '../src/domain/checks/deposit-credited-once.js';
import type { HotWalletCoin } from '../src/domain/checks/hot-wallet-coin-unspent.js';
import type { OrderEscrowPair } from '../src/domain/checks/order-escrow.js';
import type { TransactionNet } from '../src/domain/checks/transaction-balanced.js';
import type { WithdrawalPair } from '../src/domain/checks/withdrawal-finalized-once.js';
import type { ColdTransferPair } from '../src/domain/checks/cold-transfer-booked.js';
import type { ChainReads, ColdCoin, FindingWriter, ReconcilerSources, UserBook } from '../src/ports.js';
import { inLanes, reconcile } from '../src/reconcile.js';
import { GRACE_SECONDS, HOUR_AGO, JUST_NOW, NOW } from './support/grace.js';

const ALICE = '00000000-0000-4000-8000-00000000a11c';
const BOB = '00000000-0000-4000-8000-0000000000b0';
const ORDER = '00000000-0000-4000-8000-00000000000d';
const AUCTION = '00000000-0000-4000-8000-0000000000ac';
const COIN: HotWalletCoin = { txid: 'ef'.repeat(32), vout: 0, amountKoinu: 1_000n, status: 'AVAILABLE' };

/** A source's stream, as a cursor would hand it over: one row at a time, asynchronously. */
async function* rows<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield await Promise.resolve(item);
}

interface World {
  users: UserBook[];
  transactions: TransactionNet[];
  deposits: DepositPair[];
  withdrawals: WithdrawalPair[];
  orders: OrderEscrowPair[];
  auctions: AuctionBook[];
  coinsOnChain: Map<string, bigint>;
  /** Outputs of the saga's sweeps to the cold account. */
  coldCoins?: ColdCoin[];
  /** Sweeps and refills, beside the wallet's bookings of them. */
  coldTransfers?: ColdTransferPair[];
}

/**
 * A clean book: alice holds 1,000 koinu with 300 of it in the escrow of one shipped order; bob nothing;
 * one open auction nobody has bid on yet.
 */
function cleanWorld(): World {
  return {
    users: [
      {
        wallet: { userId: ALICE, availableKoinu: 700n, lockedKoinu: 300n, pendingKoinu: 0n },
        nets: { AVAILABLE: 700n, LOCKED: 300n },
        openEscrowKoinu: 300n,
        activeBidsKoinu: 0n,
      },
      {
        wallet: { userId: BOB, availableKoinu: 0n, lockedKoinu: 0n, pendingKoinu: 0n },
        nets: {},
        openEscrowKoinu: 0n,
        activeBidsKoinu: 0n,
      },
    ],
    transactions: [],
    deposits: [],
    withdrawals: [],
    orders: [
      {
        orderId: ORDER,
        order: { status: 'SHIPPED', amountKoinu: 300n, auctionId: null, updatedAt: HOUR_AGO },
        escrow: { status: 'LOCKED', amountKoinu: 300n, buyerId: ALICE, updatedAt: HOUR_AGO },
      },
    ],
    auctions: [
      {
        auctionId: AUCTION,
        auction: { status: 'OPEN', leader: null, sale: null, orderId: null, updatedAt: HOUR_AGO },
        locks: [],
        bids: [],
        order: null,
        escrow: null,
      },
    ],
    coinsOnChain: new Map([[`${COIN.txid}:${COIN.vout}`, 1_000n]]),
    coldTransfers: [
      {
        kind: 'SWEEP',
        reference: 'c5'.repeat(32),
        saga: { amountKoinu: 400n, minerFeeKoinu: 10n, at: HOUR_AGO },
        wallet: { amountKoinu: 400n, minerFeeKoinu: 10n, transactions: 1, at: HOUR_AGO },
      },
    ],
  };
}

function sourcesOf(world: World): ReconcilerSources {
  return {
    wallet: {
      userCandidates: () => rows(world.users),
      continuityCandidates: () => rows([]),
      platformAccounts: () =>
        Promise.resolve([{ code: 'CHAIN_CLEARING', balanceKoinu: -1_000n, netKoinu: -1_000n }]),
      unbalancedTransactions: () => rows(world.transactions),
      bookTotals: () =>
        Promise.resolve({
          balancesKoinu: 0n,
          entriesNetKoinu: 0n,
          entries: 6,
          users: 2,
          userLiabilitiesKoinu: 1_000n,
        }),
    },
    crossService: {
      databaseNow: () => Promise.resolve(NOW),
      confirmedDeposits: () => Promise.resolve(1),
      confirmedWithdrawals: () => Promise.resolve(0),
      depositPairs: () => rows(world.deposits),
      withdrawalPairs: () => rows(world.withdrawals),
      unspentCoins: () => rows([COIN]),
      coldCoins: () => rows(world.coldCoins ?? []),
      coldTransferPairs: () => rows(world.coldTransfers ?? []),
      inFlightWithdrawalsKoinu: () => Promise.resolve(0n),
    },
    orders: { orderEscrowPairs: () => rows(world.orders) },
    auctions: { auctionBooks: () => rows(world.auctions) },
  };
}

class MemorySink implements FindingWriter {
  readonly added: Finding[] = [];
  flushes = 0;
  add(finding: Finding): Promise<void> {
    this.added.push(finding);
    return Promise.resolve();
  }
  flush(): Promise<void> {
    this.flushes += 1;
    return Promise.resolve();
  }
}

/** The node, answering after a few milliseconds as a real one would, so concurrent lookups overlap. */
const nodeOf = (world: World): ChainReads => ({
  getTxOut: async (txid, vout) => {
    await new Promise((resolve) => setTimeout(resolve, 2));
    const valueKoinu = world.coinsOnChain.get(`${txid}:${vout}`);
    return valueKoinu === undefined ? null : { valueKoinu };
  },
});

async function run(world: World, chain: ChainReads | null = nodeOf(world)) {
  const sink = new MemorySink();
  const report = await reconcile({
    runId: '00000000-0000-4000-8000-000000000000',
    sources: sourcesOf(world),
    chain,
    sink,
    logger: pino({ level: 'silent' }),
    graceSeconds: GRACE_SECONDS,
  });
  return { report, sink };
}

describe('a reconciliation run', () => {
  it('reports a clean book clean, with every check and the rows each examined', async () => {
    const { report, sink } = await run(cleanWorld());
    expect(report.clean).to.equal(true);
    expect(report.findings).to.deep.equal([]);
    expect(sink.added).to.deep.equal([]);
    expect(sink.flushes).to.equal(1);
    expect(report.checks.map((check) => check.check)).to.deep.equal([...CHECKS]);
    expect(Object.fromEntries(report.checks.map((check) => [check.check, check.examined]))).to.deep.equal({
      'user-ledger-sum': 2,
      'user-bucket-sum': 2,
      'balance-after-continuity': 6,
      'locked-vs-escrow-and-bids': 2,
      'platform-account-sum': 1,
      'transaction-balanced': 6,
      'ledger-zero-sum': 1,
      'deposit-credited-once': 1,
      'withdrawal-finalized-once': 0,
      'order-escrow-held': 1,
      'order-escrow-settled': 0,
      'escrow-has-order': 1,
      'bid-lock-matches-bids': 0,
      'auction-lock-is-leaders': 1,
      'auction-closed-no-lock': 0,
      'auction-sold-has-order': 0,
      'hot-wallet-coin-unspent': 1,
      'chain-covers-liabilities': 1,
      'cold-transfer-booked': 1,
    });
    expect(report.totals).to.deep.equal({ findings: 0, examined: 27 });
  });

  it('records each finding in the sink and the report, and leaves work in flight out of both', async () => {
    const world = cleanWorld();
    world.users[1]!.wallet = { userId: BOB, availableKoinu: 5n, lockedKoinu: 0n, pendingKoinu: 0n };
    world.deposits = [
      {
        depositKey: `${'aa'.repeat(32)}:1`,
        watcher: {
          userId: BOB,
          amountKoinu: 5n,
          status: 'confirmed',
          confirmedAt: JUST_NOW,
          updatedAt: JUST_NOW,
        },
        credits: { count: 0, amountKoinu: 0n, firstUserId: null, lastUserId: null, lastCreditedAt: null },
      },
    ];
    world.withdrawals = [
      {
        withdrawalId: '00000000-0000-4000-8000-0000000000a1',
        saga: { status: 'CONFIRMED', statusChangedAt: JUST_NOW },
        wallet: { status: 'REQUESTED', updatedAt: HOUR_AGO },
        finalizations: 0,
      },
    ];
    world.orders.push({
      orderId: '00000000-0000-4000-8000-00000000000e',
      order: null,
      escrow: { status: 'RELEASED', amountKoinu: 9n, buyerId: ALICE, updatedAt: HOUR_AGO },
    });
    // Bob's bid on the open auction was locked a moment ago and is being applied: in flight. The wallet
    // also holds a lock of alice's for an auction the order service never heard of.
    world.auctions[0]!.locks = [
      { bidderId: BOB, amountKoinu: 50n, status: 'ACTIVE', orderId: null, updatedAt: JUST_NOW },
    ];
    world.auctions[0]!.bids = [
      {
        bidId: '00000000-0000-4000-8000-0000000000b1',
        bidderId: BOB,
        maxKoinu: 50n,
        outcome: 'PENDING',
        lockState: 'NONE',
        updatedAt: JUST_NOW,
      },
    ];
    const stranger = '00000000-0000-4000-8000-0000000000ad';
    world.auctions.push({
      auctionId: stranger,
      auction: null,
      locks: [{ bidderId: ALICE, amountKoinu: 40n, status: 'ACTIVE', orderId: null, updatedAt: HOUR_AGO }],
      bids: [],
      order: null,
      escrow: null,
    });
    world.coinsOnChain.clear();

    const { report, sink } = await run(world);
    expect(report.clean).to.equal(false);
    expect(report.findings.map((found) => [found.check, found.subjectId])).to.deep.equal([
      ['user-ledger-sum', BOB],
      ['user-bucket-sum', BOB],
      ['escrow-has-order', '00000000-0000-4000-8000-00000000000e'],
      ['bid-lock-matches-bids', `${stranger}:${ALICE}`],
      ['hot-wallet-coin-unspent', `${COIN.txid}:${COIN.vout}`],
      ['chain-covers-liabilities', 'hot-wallet'],
    ]);
    expect(sink.added).to.deep.equal(report.findings);
    expect(report.totals.findings).to.equal(6);
    expect(report.checks.find((check) => check.check === 'user-bucket-sum')?.findings).to.equal(1);
    expect(report.truncatedFindings).to.equal(0);
  });

  it('counts the cold account with the hot wallet: liabilities covered by cold coins are no finding', async () => {
    const world = cleanWorld();
    // Two cold coins of 500, looked up concurrently: both must count.
    const cold: ColdCoin = { txid: 'c0'.repeat(32), vout: 1, amountKoinu: 500n };
    const other: ColdCoin = { txid: 'c1'.repeat(32), vout: 0, amountKoinu: 500n };
    world.coldCoins = [cold, other];
    world.coinsOnChain.set(`${cold.txid}:${cold.vout}`, 500n);
    world.coinsOnChain.set(`${other.txid}:${other.vout}`, 500n);
    // The hot coin is gone (its own finding), but the cold coins on chain still cover alice's 1,000 koinu.
    world.coinsOnChain.delete(`${COIN.txid}:${COIN.vout}`);
    const covered = await run(world);
    expect(covered.report.findings.map((found) => found.check)).to.deep.equal(['hot-wallet-coin-unspent']);
    // A cold coin spent on chain (moved by a person) no longer counts: now the chain falls short.
    world.coinsOnChain.delete(`${cold.txid}:${cold.vout}`);
    const short = await run(world);
    expect(short.report.findings.map((found) => found.check)).to.deep.equal([
      'hot-wallet-coin-unspent',
      'chain-covers-liabilities',
    ]);
    expect(short.report.findings[1]!.detail).to.contain('cold (500)');
  });

  it('reports a sweep the wallet never booked, and one booked without a sweep', async () => {
    const world = cleanWorld();
    const unbooked: ColdTransferPair = {
      kind: 'SWEEP',
      reference: 'c6'.repeat(32),
      saga: { amountKoinu: 900n, minerFeeKoinu: 5n, at: HOUR_AGO },
      wallet: null,
    };
    const invented: ColdTransferPair = {
      kind: 'REFILL',
      reference: `${'c7'.repeat(32)}:0`,
      saga: null,
      wallet: { amountKoinu: 300n, minerFeeKoinu: 0n, transactions: 1, at: HOUR_AGO },
    };
    world.coldTransfers = [...world.coldTransfers!, unbooked, invented];
    const { report } = await run(world);
    expect(report.findings.map((found) => [found.check, found.subjectId])).to.deep.equal([
      ['cold-transfer-booked', `sweep:${unbooked.reference}`],
      ['cold-transfer-booked', `refill:${invented.reference}`],
    ]);
  });

  it('skips the chain checks without a node', async () => {
    const world = cleanWorld();
    world.coinsOnChain.clear();
    const { report } = await run(world, null);
    expect(report.clean).to.equal(true);
    const chainChecks = report.checks.filter(
      (check) => check.check.startsWith('hot-wallet') || check.check.startsWith('chain'),
    );
    expect(chainChecks.map((check) => [check.check, check.examined, check.findings])).to.deep.equal([
      ['hot-wallet-coin-unspent', 0, 0],
      ['chain-covers-liabilities', 0, 0],
    ]);
  });

  it('keeps the first findings in the report and counts the rest, while the sink gets them all', async () => {
    const world = cleanWorld();
    world.transactions = Array.from({ length: REPORT_FINDINGS_LIMIT + 1 }, (_, index) => ({
      transactionId: `transaction-${index}`,
      netKoinu: 1n,
    }));
    const { report, sink } = await run(world);
    expect(report.findings).to.have.length(REPORT_FINDINGS_LIMIT);
    expect(report.truncatedFindings).to.equal(1);
    expect(report.totals.findings).to.equal(REPORT_FINDINGS_LIMIT + 1);
    expect(sink.added).to.have.length(REPORT_FINDINGS_LIMIT + 1);
  });
});

describe('two lanes (inLanes)', () => {
  const later = <T>(ms: number, value: T): Promise<T> =>
    new Promise((resolve) => setTimeout(() => resolve(value), ms));

  it('runs both lanes at once and answers with both results', async () => {
    const started: string[] = [];
    const lane = (name: string) => async () => {
      started.push(name);
      return later(20, name);
    };
    const result = inLanes(lane('wallet'), lane('cross-service'));
    // Both lanes began before either finished: they overlap.
    expect(started).to.deep.equal(['wallet', 'cross-service']);
    expect(await result).to.deep.equal(['wallet', 'cross-service']);
  });

  it('waits for the other lane before failing, so no query outlives the run, and throws the failure', async () => {
    let otherFinished = false;
    const failure = new Error('the wallet source failed');
    const outcome = await inLanes(
      () => Promise.reject(failure),
      async () => {
        await later(30, undefined);
        otherFinished = true;
      },
    ).catch((error: unknown) => error);
    expect(outcome).to.equal(failure);
    expect(otherFinished).to.equal(true);
  });
});
