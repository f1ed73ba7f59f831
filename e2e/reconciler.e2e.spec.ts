/**
 * The reconciler against a real book: deposits on the simulator's chain, purchases, a release, a bid
 * and a withdrawal that really left on chain, all through the wallet's own executor, with the
 * watcher's, the saga's and the order service's records of the same money. A clean book passes every
 * check; each corruption of issue 7, injected directly in the database or on the chain, is reported
 * with the exact subject and amounts, and the exit code says so; work in flight between two services
 * is no finding until it is older than the grace period. The order service's auctions sit beside the
 * wallet's bid locks: an open auction whose leader holds its lock, and an auction sold at the close whose
 * winning lock the wallet converted into its order's escrow; each way those can disagree is reported
 * with the auction or the lock as subject. It lives in e2e/ because it spans services:
 * the wallet writes the book (the executor of its test support) and the reconciler reads it, and no
 * service's tests import another service.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { Kafka, logLevel } from 'kafkajs';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { hash160 } from '@dbay/dogecoin';
import {
  Chain,
  DOGE,
  ThrowawayBook,
  fundKey,
  newKey,
  runReconciler,
  spend,
  stack,
  type HeldCoin,
  type ReconcileRun,
} from '../services/reconciler/test/support/book.js';
import {
  NETWORK_FEE_KOINU,
  request,
  testExecutor,
  type Command,
  type TestExecutor,
} from '../services/wallet/test/support/stack.js';
import { TOPICS } from '@dbay/contracts';
import { stackKafkaSasl } from '@dbay/testing';

/** A ledger_entries row as pg returns it (numerics and bigints as strings). */
interface LedgerRow {
  id: string;
  seq: string;
  transaction_id: string;
  user_id: string | null;
  platform_account: string | null;
  bucket: string;
  entry_type: string;
  debit: string;
  credit: string;
  balance_after: string;
  reference_type: string;
  reference_id: string;
  idempotency_key: string;
  created_at: Date;
}

const HOUR_AGO = new Date(Date.now() - 3_600_000);
const ALL_CHECKS = [
  'user-ledger-sum',
  'user-bucket-sum',
  'balance-after-continuity',
  'locked-vs-escrow-and-bids',
  'platform-account-sum',
  'transaction-balanced',
  'ledger-zero-sum',
  'deposit-credited-once',
  'withdrawal-finalized-once',
  'order-escrow-held',
  'order-escrow-settled',
  'escrow-has-order',
  'bid-lock-matches-bids',
  'auction-lock-is-leaders',
  'auction-closed-no-lock',
  'auction-sold-has-order',
  'hot-wallet-coin-unspent',
  'chain-covers-liabilities',
  'cold-transfer-booked',
];

describe('reconciler on a real book (throwaway database, simulator, Kafka)', function () {
  this.timeout(240_000);

  const chain = new Chain();
  let db: ThrowawayBook;
  let wallet: TestExecutor;
  const users = { alice: randomUUID(), bob: randomUUID(), carol: randomUUID(), dave: randomUUID() };
  const coins = new Map<string, HeldCoin>();
  const openOrder = randomUUID();
  const releasedOrder = randomUUID();
  /** bob leads it with a maximum of 5 DOGE, locked in his wallet. */
  const openAuction = randomUUID();
  /** alice won it at 2 DOGE with a maximum of 3; the wallet converted her lock into soldOrder's escrow. */
  const soldAuction = randomUUID();
  const soldOrder = randomUUID();
  let withdrawalId: string;

  /** One command through the wallet's own executor, which must accept it. */
  async function execute(command: Command): Promise<void> {
    const outcome = await wallet.executor.execute(request(command, 'service:reconciler-tests'));
    if (outcome.kind !== 'accepted')
      throw new Error(
        `wallet refused ${command.type}: ${outcome.kind === 'rejected' ? outcome.error.code : outcome.message}`,
      );
  }

  async function recordDeposit(
    userId: string,
    coin: HeldCoin,
    blockHash: string,
    blockHeight: number,
    index: number,
  ): Promise<void> {
    const key = Buffer.from(coin.key.publicKey);
    const derivationPath = `m/44'/3'/0'/0/${index}`;
    await db.admin('deposit_watcher.watched_addresses').insert({
      address: coin.address,
      pubkey_hash: Buffer.from(hash160(key)).toString('hex'),
      user_id: userId,
      derivation_path: derivationPath,
      address_index: index,
      assigned_at: HOUR_AGO,
      assigned_event_id: randomUUID(),
    });
    // The wallet's record of the same assignment: it credits a deposit only at its user's address.
    await db.admin('wallet.deposit_addresses').insert({
      user_id: userId,
      address: coin.address,
      derivation_path: derivationPath,
      address_index: index,
    });
    await db.admin('deposit_watcher.deposits').insert({
      txid: coin.txid,
      vout: coin.vout,
      user_id: userId,
      address: coin.address,
      derivation_path: derivationPath,
      amount_koinu: coin.amountKoinu.toString(),
      status: 'confirmed',
      block_hash: blockHash,
      block_height: blockHeight,
      confirmations: 6,
      raw_transaction_hex: coin.rawTransactionHex,
      correlation_id: randomUUID(),
      detected_at: HOUR_AGO,
      confirmed_at: HOUR_AGO,
      updated_at: HOUR_AGO,
    });
    await db.admin('withdrawal_saga.coins').insert({
      txid: coin.txid,
      vout: coin.vout,
      amount_koinu: coin.amountKoinu.toString(),
      address: coin.address,
      derivation_path: derivationPath,
      source: 'DEPOSIT',
      status: 'AVAILABLE',
    });
    await execute({
      type: 'CreditDeposit',
      userId,
      address: coin.address,
      txid: coin.txid,
      vout: coin.vout,
      amountKoinu: coin.amountKoinu,
      confirmations: 6,
      blockHash,
      blockHeight,
      eventOccurredAt: HOUR_AGO.toISOString(),
    });
  }

  /** The order service's row for an order the wallet was paid for, as its buy-it-now flow leaves it. */
  async function recordOrder(
    orderId: string,
    parties: { buyerId: string; sellerId: string },
    amountKoinu: bigint,
    feeKoinu: bigint,
    status: 'SHIPPED' | 'COMPLETED',
  ): Promise<void> {
    await db.admin('order.orders').insert({
      id: orderId,
      listing_id: randomUUID(),
      buyer_id: parties.buyerId,
      seller_id: parties.sellerId,
      title: 'a reconciled item',
      amount_koinu: amountKoinu.toString(),
      fee_koinu: feeKoinu.toString(),
      status,
      escrow_locked_at: HOUR_AGO,
      shipping_days: 14,
      version: status === 'SHIPPED' ? 3 : 5,
      created_at: HOUR_AGO,
      updated_at: HOUR_AGO,
    });
  }

  /** The order service's auction row, as its bidding and its close leave it. */
  async function recordAuction(
    auctionId: string,
    leader: { bidId: string; bidderId: string; maxKoinu: bigint; priceKoinu: bigint },
    sale: { orderId: string } | null,
  ): Promise<void> {
    await db.admin('order.auctions').insert({
      id: auctionId,
      seller_id: users.dave,
      title: 'a reconciled auction',
      description: '',
      shipping_days: 14,
      status: sale === null ? 'OPEN' : 'CLOSED',
      start_price_koinu: DOGE.toString(),
      ends_at: sale === null ? new Date(Date.now() + 86_400_000) : HOUR_AGO,
      leader_bid_id: leader.bidId,
      leader_bidder_id: leader.bidderId,
      leader_max_koinu: leader.maxKoinu.toString(),
      leader_placed_at: HOUR_AGO,
      price_koinu: leader.priceKoinu.toString(),
      bid_count: 1,
      reserve_met: true,
      ending_kind: sale === null ? null : 'SOLD',
      ending_via: sale === null ? null : 'BIDDING',
      ending_buyer_id: sale === null ? null : leader.bidderId,
      ending_price_koinu: sale === null ? null : leader.priceKoinu.toString(),
      ended_at: sale === null ? null : HOUR_AGO,
      order_id: sale?.orderId ?? null,
      version: sale === null ? 2 : 3,
      created_at: HOUR_AGO,
      updated_at: HOUR_AGO,
    });
    await db.admin('order.bids').insert({
      id: leader.bidId,
      auction_id: auctionId,
      bidder_id: leader.bidderId,
      max_koinu: leader.maxKoinu.toString(),
      outcome: sale === null ? 'LEADING' : 'WON',
      lock_state: sale === null ? 'LOCKED' : 'CONVERTED',
      price_after_koinu: leader.priceKoinu.toString(),
      placed_at: HOUR_AGO,
      created_at: HOUR_AGO,
      updated_at: HOUR_AGO,
    });
  }

  before(async function () {
    db = await ThrowawayBook.create();
    wallet = testExecutor({ databaseUrl: db.adminUrl, poolMax: 4 });

    // Deposits: real coins on the chain, paying keys we hold, seen by the watcher, held by the saga.
    const amounts: Array<[keyof typeof users, bigint]> = [
      ['alice', 100n * DOGE],
      ['bob', 50n * DOGE],
      ['carol', 20n * DOGE],
      ['dave', 10n * DOGE],
    ];
    for (const [name, amount] of amounts) coins.set(name, await fundKey(chain, amount));
    const [depositBlock] = (await chain.control<{ blockHashes: string[] }>('mine', { blocks: 6 }))
      .blockHashes;
    const depositHeight = (await chain.rpc.getBlockCount()) - 5;
    let index = 0;
    for (const [name] of amounts)
      await recordDeposit(users[name], coins.get(name)!, depositBlock!, depositHeight, index++);

    // Purchases: one released (fee to the marketplace), one still in escrow, each with the order
    // service's row of the same order; one live bid.
    await execute({
      type: 'PayOrder',
      orderId: releasedOrder,
      buyerId: users.alice,
      sellerId: users.bob,
      amountKoinu: 30n * DOGE,
      feeKoinu: DOGE,
    });
    await execute({ type: 'ReleaseEscrow', orderId: releasedOrder });
    await recordOrder(
      releasedOrder,
      { buyerId: users.alice, sellerId: users.bob },
      30n * DOGE,
      DOGE,
      'COMPLETED',
    );
    await execute({
      type: 'PayOrder',
      orderId: openOrder,
      buyerId: users.alice,
      sellerId: users.carol,
      amountKoinu: 10n * DOGE,
      feeKoinu: DOGE / 2n,
    });
    await recordOrder(
      openOrder,
      { buyerId: users.alice, sellerId: users.carol },
      10n * DOGE,
      DOGE / 2n,
      'SHIPPED',
    );
    await execute({
      type: 'LockBid',
      auctionId: openAuction,
      userId: users.bob,
      amountKoinu: 5n * DOGE,
    });
    await recordAuction(
      openAuction,
      { bidId: randomUUID(), bidderId: users.bob, maxKoinu: 5n * DOGE, priceKoinu: DOGE },
      null,
    );
    // An auction sold at its close: alice's 3 DOGE lock converted into the order's 2 DOGE escrow (the
    // excess back to her available balance), the order PAID.
    await execute({ type: 'LockBid', auctionId: soldAuction, userId: users.alice, amountKoinu: 3n * DOGE });
    await execute({
      type: 'ConvertBid',
      auctionId: soldAuction,
      userId: users.alice,
      orderId: soldOrder,
      sellerId: users.dave,
      amountKoinu: 2n * DOGE,
      feeKoinu: DOGE / 20n,
    });
    await recordAuction(
      soldAuction,
      { bidId: randomUUID(), bidderId: users.alice, maxKoinu: 3n * DOGE, priceKoinu: 2n * DOGE },
      { orderId: soldOrder },
    );
    await db.admin('order.orders').insert({
      id: soldOrder,
      auction_id: soldAuction,
      buyer_id: users.alice,
      seller_id: users.dave,
      title: 'a reconciled auction',
      amount_koinu: (2n * DOGE).toString(),
      fee_koinu: (DOGE / 20n).toString(),
      status: 'PAID',
      escrow_locked_at: HOUR_AGO,
      shipping_days: 14,
      version: 1,
      created_at: HOUR_AGO,
      updated_at: HOUR_AGO,
    });

    // A withdrawal that really left: carol's coin pays 5 DOGE out, 14 back as change, 1 DOGE to the miner.
    withdrawalId = randomUUID();
    const destination = newKey();
    const change = newKey();
    await execute({
      type: 'RequestWithdrawal',
      withdrawalId,
      userId: users.carol,
      destinationAddress: destination.address,
      amountKoinu: 5n * DOGE,
    });
    const carolCoin = coins.get('carol')!;
    const txid = await spend(chain, carolCoin, [
      { address: destination.address, valueKoinu: 5n * DOGE },
      { address: change.address, valueKoinu: 14n * DOGE },
    ]);
    const [withdrawalBlock] = (await chain.control<{ blockHashes: string[] }>('mine', { blocks: 6 }))
      .blockHashes;
    const withdrawalHeight = (await chain.rpc.getBlockCount()) - 5;
    const batchId = randomUUID();
    await db.admin('withdrawal_saga.batches').insert({
      batch_id: batchId,
      status: 'CONFIRMED',
      psbt_base64: 'cHNidP8=',
      inputs: JSON.stringify([{ txid: carolCoin.txid, vout: carolCoin.vout }]),
      outputs: JSON.stringify([
        { withdrawalId, address: destination.address, amountKoinu: (5n * DOGE).toString() },
      ]),
      fee_koinu: DOGE.toString(),
      estimated_size_bytes: 226,
      change_index: 1,
      change_derivation_path: "m/44'/3'/0'/1/0",
      change_koinu: (14n * DOGE).toString(),
      raw_tx_hex: '00',
      txid,
      confirmations: 6,
      block_hash: withdrawalBlock,
      block_height: withdrawalHeight,
      correlation_id: randomUUID(),
    });
    await db
      .admin('withdrawal_saga.coins')
      .where({ txid: carolCoin.txid, vout: carolCoin.vout })
      .update({ status: 'SPENT', batch_id: batchId });
    await db.admin('withdrawal_saga.coins').insert({
      txid,
      vout: 1,
      amount_koinu: (14n * DOGE).toString(),
      address: change.address,
      derivation_path: "m/44'/3'/0'/1/0",
      source: 'CHANGE',
      status: 'AVAILABLE',
      created_by_batch_id: batchId,
    });
    await db.admin('withdrawal_saga.withdrawals').insert({
      withdrawal_id: withdrawalId,
      user_id: users.carol,
      destination_address: destination.address,
      destination_script_hex: '',
      amount_koinu: (5n * DOGE).toString(),
      network_fee_koinu: NETWORK_FEE_KOINU.toString(),
      requested_at: HOUR_AGO,
      status: 'CONFIRMED',
      status_changed_at: HOUR_AGO,
      fraud_outcome: 'APPROVE',
      fraud_reasons: JSON.stringify([]),
      batch_id: batchId,
      miner_fee_share_koinu: DOGE.toString(),
      correlation_id: randomUUID(),
      requested_event_id: randomUUID(),
    });
    await execute({
      type: 'FinalizeWithdrawal',
      withdrawalId,
      userId: users.carol,
      txid,
      blockHash: withdrawalBlock!,
      blockHeight: withdrawalHeight,
      confirmations: 6,
      minerFeeShareKoinu: DOGE,
    });
  });

  after(async function () {
    await wallet?.close();
    await db?.drop();
  });

  /** Runs `fn` as the superuser with triggers off (the append-only guard), as an attacker with DB access would. */
  async function behindTheWallet(sql: string, bindings: readonly unknown[] = []): Promise<void> {
    await db.admin.transaction(async (trx) => {
      await trx.raw('SET LOCAL session_replication_role = replica');
      await trx.raw(sql, bindings as never);
    });
  }

  const findingsOf = (run: ReconcileRun, check: string) =>
    run.report.findings.filter((found) => found.check === check);

  it('passes every check on the clean book, and exits 0', async function () {
    const run = await runReconciler(db);
    expect(run.report.findings, run.stderr).to.deep.equal([]);
    expect(run.report.clean).to.equal(true);
    expect(run.exitCode).to.equal(0);
    expect(run.report.checks.map((check) => check.check)).to.have.members(ALL_CHECKS);
    const examined = Object.fromEntries(run.report.checks.map((check) => [check.check, check.examined]));
    expect(examined['user-ledger-sum']).to.equal(4);
    expect(examined['deposit-credited-once']).to.equal(4);
    expect(examined['withdrawal-finalized-once']).to.equal(1);
    expect(examined['order-escrow-held']).to.equal(2);
    expect(examined['order-escrow-settled']).to.equal(1);
    expect(examined['escrow-has-order']).to.equal(3);
    // bob's lock; the open auction; the sold one, closed and sold.
    expect(examined['bid-lock-matches-bids']).to.equal(1);
    expect(examined['auction-lock-is-leaders']).to.equal(1);
    expect(examined['auction-closed-no-lock']).to.equal(1);
    expect(examined['auction-sold-has-order']).to.equal(1);
    // alice's, bob's and dave's deposits plus carol's change are unspent; carol's deposit was spent by the withdrawal.
    expect(examined['hot-wallet-coin-unspent']).to.equal(4);
    expect(examined['cold-transfer-booked']).to.equal(0); // this book has no sweep or refill
  });

  it('finds a tampered balance: the exact user, the ledger net and the balance column', async function () {
    await db.admin.raw('UPDATE wallet.wallet_balances SET available = available + 7.5 WHERE user_id = ?', [
      users.dave,
    ]);
    try {
      const run = await runReconciler(db);
      expect(run.exitCode).to.equal(2);
      expect(findingsOf(run, 'user-ledger-sum')).to.deep.include({
        check: 'user-ledger-sum',
        subjectType: 'user',
        subjectId: users.dave,
        expected: (10n * DOGE).toString(),
        actual: (17n * DOGE + DOGE / 2n).toString(),
        detail: 'SUM(credit) - SUM(debit) of the ledger vs available + locked + pending',
      });
      expect(
        findingsOf(run, 'user-bucket-sum').map((found) => [
          found.subjectId,
          found.expected,
          found.actual,
          found.detail,
        ]),
      ).to.deep.equal([
        [
          users.dave,
          (10n * DOGE).toString(),
          (17n * DOGE + DOGE / 2n).toString(),
          'AVAILABLE: ledger net vs balance column',
        ],
      ]);
      expect(
        findingsOf(run, 'ledger-zero-sum').map((found) => [found.subjectId, found.actual]),
      ).to.deep.include(['balances', (7n * DOGE + DOGE / 2n).toString()]);
    } finally {
      await db.admin.raw('UPDATE wallet.wallet_balances SET available = available - 7.5 WHERE user_id = ?', [
        users.dave,
      ]);
    }
  });

  it('finds a missing ledger entry: the user, the broken chain of balances and the unbalanced transaction', async function () {
    // bob's SALE credit (30 DOGE less the 1 DOGE fee) disappears from the middle of his history; the
    // release's other legs (alice's locked debit, the marketplace fee) stay.
    const [entry] = await db
      .admin<LedgerRow>('wallet.ledger_entries')
      .where({ user_id: users.bob, entry_type: 'SALE' });
    if (!entry) throw new Error('bob has no SALE entry');
    await behindTheWallet('DELETE FROM wallet.ledger_entries WHERE id = ?', [entry.id]);
    try {
      const run = await runReconciler(db);
      expect(run.exitCode).to.equal(2);
      // bob's ledger now nets 50 - 5 + 5 = 50 DOGE against balances of 74 available + 5 locked.
      const bob = findingsOf(run, 'user-ledger-sum').find((found) => found.subjectId === users.bob);
      expect(bob).to.include({ expected: (50n * DOGE).toString(), actual: (79n * DOGE).toString() });
      expect(findingsOf(run, 'transaction-balanced')).to.deep.include({
        check: 'transaction-balanced',
        subjectType: 'ledger-transaction',
        subjectId: entry.transaction_id,
        expected: '0',
        actual: (-29n * DOGE).toString(),
        detail: 'credits minus debits of one ledger transaction',
      });
      // The bid lock after it no longer follows: 50 + 0 - 5 should be 45, its balance_after says 74.
      expect(
        findingsOf(run, 'balance-after-continuity').map((found) => [
          found.subjectId,
          found.expected,
          found.actual,
        ]),
      ).to.deep.equal([[users.bob, (45n * DOGE).toString(), (74n * DOGE).toString()]]);
    } finally {
      await behindTheWallet(
        `INSERT INTO wallet.ledger_entries (id, seq, transaction_id, user_id, platform_account, bucket, entry_type, debit, credit,
           balance_after, reference_type, reference_id, idempotency_key, created_at)
         OVERRIDING SYSTEM VALUE VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          entry.id,
          entry.seq,
          entry.transaction_id,
          entry.user_id,
          entry.platform_account,
          entry.bucket,
          entry.entry_type,
          entry.debit,
          entry.credit,
          entry.balance_after,
          entry.reference_type,
          entry.reference_id,
          entry.idempotency_key,
          entry.created_at,
        ],
      );
    }
  });

  it('finds a deposit credited twice: the txid:vout, the confirmed amount and what was credited', async function () {
    const coin = coins.get('dave')!;
    const duplicate = randomUUID();
    // A second DEPOSIT credit for the same output, double-entry intact and the balance moved with it,
    // as a wallet that lost its idempotency would write it.
    await behindTheWallet(
      `INSERT INTO wallet.ledger_entries (transaction_id, user_id, platform_account, bucket, entry_type, debit, credit, balance_after,
         reference_type, reference_id, idempotency_key)
       VALUES (?, ?, NULL, 'AVAILABLE', 'DEPOSIT', 0, 10, 20, 'tx', ?, ?),
              (?, NULL, 'CHAIN_CLEARING', 'PLATFORM', 'DEPOSIT', 10, 0,
               (SELECT balance - 10 FROM wallet.platform_accounts WHERE code = 'CHAIN_CLEARING'), 'tx', ?, ?)`,
      [
        duplicate,
        users.dave,
        `${coin.txid}:${coin.vout}`,
        `dup-${duplicate}-u`,
        duplicate,
        `${coin.txid}:${coin.vout}`,
        `dup-${duplicate}-p`,
      ],
    );
    await db.admin.raw('UPDATE wallet.wallet_balances SET available = available + 10 WHERE user_id = ?', [
      users.dave,
    ]);
    await db.admin.raw(
      "UPDATE wallet.platform_accounts SET balance = balance - 10 WHERE code = 'CHAIN_CLEARING'",
    );
    try {
      const run = await runReconciler(db);
      expect(run.exitCode).to.equal(2);
      expect(findingsOf(run, 'deposit-credited-once')).to.deep.equal([
        {
          check: 'deposit-credited-once',
          subjectType: 'deposit',
          subjectId: `${coin.txid}:${coin.vout}`,
          expected: (10n * DOGE).toString(),
          actual: (20n * DOGE).toString(),
          detail: `confirmed for ${users.dave}, credited 2 time(s) to ${users.dave}`,
        },
      ]);
      // The books themselves still balance: only the cross-service check can see this one.
      expect(findingsOf(run, 'user-ledger-sum')).to.deep.equal([]);
      expect(findingsOf(run, 'transaction-balanced')).to.deep.equal([]);
    } finally {
      await behindTheWallet('DELETE FROM wallet.ledger_entries WHERE transaction_id = ?', [duplicate]);
      await db.admin.raw('UPDATE wallet.wallet_balances SET available = available - 10 WHERE user_id = ?', [
        users.dave,
      ]);
      await db.admin.raw(
        "UPDATE wallet.platform_accounts SET balance = balance + 10 WHERE code = 'CHAIN_CLEARING'",
      );
    }
  });

  it('finds an escrow row whose amount disagrees with the locked bucket', async function () {
    await db.admin.raw('UPDATE wallet.escrow SET amount = amount + 2 WHERE order_id = ?', [openOrder]);
    try {
      const run = await runReconciler(db);
      expect(run.exitCode).to.equal(2);
      expect(findingsOf(run, 'locked-vs-escrow-and-bids')).to.deep.equal([
        {
          check: 'locked-vs-escrow-and-bids',
          subjectType: 'user',
          subjectId: users.alice,
          // 10 DOGE of the shipped order (+2 tampered) and the 2 DOGE converted from the won auction.
          expected: (14n * DOGE).toString(),
          actual: (12n * DOGE).toString(),
          detail: `open escrow ${14n * DOGE} + active bid locks 0 vs locked bucket`,
        },
      ]);
      // The order service still says 10 DOGE: the escrow disagrees with its order too.
      expect(
        findingsOf(run, 'order-escrow-held').map((found) => [found.subjectId, found.expected, found.actual]),
      ).to.deep.equal([[openOrder, (10n * DOGE).toString(), (12n * DOGE).toString()]]);
    } finally {
      await db.admin.raw('UPDATE wallet.escrow SET amount = amount - 2 WHERE order_id = ?', [openOrder]);
    }
  });

  it("finds orders whose escrow disagrees: the order id, its amount against the escrow's, its status against the escrow's", async function () {
    await db.admin.raw('UPDATE "order".orders SET amount_koinu = amount_koinu + ? WHERE id = ?', [
      DOGE.toString(),
      openOrder,
    ]);
    // The wallet released this one long ago; an order service that forgot would still call it shipped.
    await db.admin.raw(`UPDATE "order".orders SET status = 'SHIPPED' WHERE id = ?`, [releasedOrder]);
    try {
      const run = await runReconciler(db);
      expect(run.exitCode).to.equal(2);
      expect(
        findingsOf(run, 'order-escrow-held')
          .map((found) => [found.subjectType, found.subjectId, found.expected, found.actual])
          .sort(),
      ).to.deep.equal(
        [
          ['order', openOrder, (11n * DOGE).toString(), (10n * DOGE).toString()],
          ['order', releasedOrder, 'escrow LOCKED or DISPUTED', 'escrow RELEASED'],
        ].sort(),
      );
      // The wallet's own books are untouched: only the cross-service check sees this.
      expect(findingsOf(run, 'locked-vs-escrow-and-bids')).to.deep.equal([]);
      expect(findingsOf(run, 'escrow-has-order')).to.deep.equal([]);
    } finally {
      await db.admin.raw('UPDATE "order".orders SET amount_koinu = amount_koinu - ? WHERE id = ?', [
        DOGE.toString(),
        openOrder,
      ]);
      await db.admin.raw(`UPDATE "order".orders SET status = 'COMPLETED' WHERE id = ?`, [releasedOrder]);
    }
  });

  it('finds an escrow whose order the order service does not have', async function () {
    await db.admin.raw('DELETE FROM "order".orders WHERE id = ?', [releasedOrder]);
    try {
      const run = await runReconciler(db);
      expect(run.exitCode).to.equal(2);
      expect(
        findingsOf(run, 'escrow-has-order').map((found) => [
          found.subjectType,
          found.subjectId,
          found.expected,
          found.actual,
        ]),
      ).to.deep.equal([['order', releasedOrder, 'an order', 'no order']]);
      expect(findingsOf(run, 'escrow-has-order')[0]?.detail).to.contain(`of buyer ${users.alice}`);
    } finally {
      await recordOrder(
        releasedOrder,
        { buyerId: users.alice, sellerId: users.bob },
        30n * DOGE,
        DOGE,
        'COMPLETED',
      );
    }
  });

  it('forgives work in flight on either side of a cross-service check, and reports it once older than the grace period', async function () {
    const escrowBefore = await db
      .admin<{ order_id: string; updated_at: Date }>('wallet.escrow')
      .where({ order_id: releasedOrder })
      .first('updated_at');
    if (!escrowBefore) throw new Error('the released order has no escrow');
    // The saga confirmed the withdrawal a moment ago and the wallet has already finalized it: the
    // false positive of a fresh stack, where the saga's side alone was held back by the grace period.
    await db.admin.raw(
      'UPDATE withdrawal_saga.withdrawals SET status_changed_at = now() WHERE withdrawal_id = ?',
      [withdrawalId],
    );
    // The order asked for its release a moment ago and the wallet has released: the answer is on its way.
    await db.admin.raw(`UPDATE "order".orders SET status = 'RELEASING', updated_at = now() WHERE id = ?`, [
      releasedOrder,
    ]);
    try {
      const inFlight = await runReconciler(db);
      expect(inFlight.report.findings, inFlight.stderr).to.deep.equal([]);
      expect(inFlight.exitCode).to.equal(0);

      // The same release, with both sides an hour old: the order service stopped listening.
      await db.admin.raw('UPDATE "order".orders SET updated_at = ? WHERE id = ?', [HOUR_AGO, releasedOrder]);
      await db.admin.raw('UPDATE wallet.escrow SET updated_at = ? WHERE order_id = ?', [
        HOUR_AGO,
        releasedOrder,
      ]);
      const stale = await runReconciler(db);
      expect(stale.exitCode).to.equal(2);
      expect(
        stale.report.findings.map((found) => [found.check, found.subjectId, found.expected, found.actual]),
      ).to.deep.equal([
        [
          'order-escrow-settled',
          releasedOrder,
          'order and escrow agreeing within 300 s',
          'order RELEASING with escrow RELEASED',
        ],
      ]);
    } finally {
      await db.admin.raw(
        'UPDATE withdrawal_saga.withdrawals SET status_changed_at = ? WHERE withdrawal_id = ?',
        [HOUR_AGO, withdrawalId],
      );
      await db.admin.raw(`UPDATE "order".orders SET status = 'COMPLETED', updated_at = ? WHERE id = ?`, [
        HOUR_AGO,
        releasedOrder,
      ]);
      await db.admin.raw('UPDATE wallet.escrow SET updated_at = ? WHERE order_id = ?', [
        escrowBefore.updated_at,
        releasedOrder,
      ]);
    }
  });

  /** The findings of the four auction checks, as [check, subject, expected, actual], sorted. */
  const auctionFindings = (run: ReconcileRun) =>
    run.report.findings
      .filter((found) => found.check.startsWith('auction-') || found.check === 'bid-lock-matches-bids')
      .map((found) => [found.check, found.subjectType, found.subjectId, found.expected, found.actual])
      .sort();

  it('finds a bid lock that no bid of the order service accounts for', async function () {
    const strayAuction = randomUUID();
    await execute({ type: 'LockBid', auctionId: strayAuction, userId: users.dave, amountKoinu: DOGE });
    try {
      const run = await runReconciler(db);
      expect(run.exitCode).to.equal(2);
      expect(auctionFindings(run)).to.deep.equal([
        [
          'bid-lock-matches-bids',
          'bid-lock',
          `${strayAuction}:${users.dave}`,
          'a LEADING bid of this bidder',
          DOGE.toString(),
        ],
      ]);
      // The wallet's own books agree with themselves: only the order service's side can tell.
      expect(findingsOf(run, 'locked-vs-escrow-and-bids')).to.deep.equal([]);
    } finally {
      await execute({ type: 'UnlockBid', auctionId: strayAuction, userId: users.dave });
    }
  });

  it('finds an open auction whose leader holds no lock', async function () {
    await execute({ type: 'UnlockBid', auctionId: openAuction, userId: users.bob });
    try {
      const run = await runReconciler(db);
      expect(run.exitCode).to.equal(2);
      expect(auctionFindings(run)).to.deep.equal([
        ['auction-lock-is-leaders', 'auction', openAuction, (5n * DOGE).toString(), 'no active lock'],
      ]);
    } finally {
      await execute({ type: 'LockBid', auctionId: openAuction, userId: users.bob, amountKoinu: 5n * DOGE });
    }
  });

  it("forgives an outbid bidder's lock while its release is on its way, and reports it once older than the grace period", async function () {
    const outbidBid = randomUUID();
    await execute({ type: 'LockBid', auctionId: openAuction, userId: users.carol, amountKoinu: DOGE });
    await db.admin('order.bids').insert({
      id: outbidBid,
      auction_id: openAuction,
      bidder_id: users.carol,
      max_koinu: DOGE.toString(),
      outcome: 'OUTBID',
      lock_state: 'RELEASE_REQUESTED',
      price_after_koinu: (2n * DOGE).toString(),
      placed_at: db.admin.raw('"order".order_now()'),
      created_at: db.admin.raw('"order".order_now()'),
      updated_at: db.admin.raw('"order".order_now()'),
    });
    try {
      const inFlight = await runReconciler(db);
      expect(inFlight.report.findings, inFlight.stderr).to.deep.equal([]);
      expect(inFlight.exitCode).to.equal(0);

      // The same release, both sides an hour old: the wallet never applied it.
      await db.admin.raw('UPDATE "order".bids SET updated_at = ? WHERE id = ?', [HOUR_AGO, outbidBid]);
      await db.admin.raw('UPDATE wallet.bid_locks SET updated_at = ? WHERE auction_id = ? AND user_id = ?', [
        HOUR_AGO,
        openAuction,
        users.carol,
      ]);
      const stale = await runReconciler(db);
      expect(stale.exitCode).to.equal(2);
      expect(auctionFindings(stale)).to.deep.equal(
        [
          [
            'auction-lock-is-leaders',
            'auction',
            openAuction,
            `only the leader's lock (${users.bob})`,
            `${DOGE} koinu locked for ${users.carol}`,
          ],
          [
            'bid-lock-matches-bids',
            'bid-lock',
            `${openAuction}:${users.carol}`,
            'bid and lock agreeing within 300 s',
            'bid OUTBID with its lock RELEASE_REQUESTED, wallet lock ACTIVE',
          ],
        ].sort(),
      );
    } finally {
      await execute({ type: 'UnlockBid', auctionId: openAuction, userId: users.carol });
      await db.admin('order.bids').where({ id: outbidBid }).delete();
    }
  });

  it("finds a closed auction still holding its leader's lock", async function () {
    // An order service that closed the auction unsold but never asked the wallet for the release.
    await db.admin.raw(
      `UPDATE "order".auctions SET status = 'CLOSED', ending_kind = 'UNSOLD', ending_reason = 'RESERVE_NOT_MET',
         ended_at = ? WHERE id = ?`,
      [HOUR_AGO, openAuction],
    );
    try {
      const run = await runReconciler(db);
      expect(run.exitCode).to.equal(2);
      expect(auctionFindings(run)).to.deep.equal([
        [
          'auction-closed-no-lock',
          'auction',
          openAuction,
          'no active lock',
          `${5n * DOGE} koinu locked for ${users.bob}`,
        ],
      ]);
    } finally {
      await db.admin.raw(
        `UPDATE "order".auctions SET status = 'OPEN', ending_kind = NULL, ending_reason = NULL, ended_at = NULL
         WHERE id = ?`,
        [openAuction],
      );
    }
  });

  it('finds a sold auction without its order', async function () {
    await db.admin.raw('UPDATE "order".auctions SET order_id = NULL WHERE id = ?', [soldAuction]);
    try {
      const run = await runReconciler(db);
      expect(run.exitCode).to.equal(2);
      expect(auctionFindings(run)).to.deep.equal([
        [
          'auction-sold-has-order',
          'auction',
          soldAuction,
          `an order of this auction to ${users.alice} for ${2n * DOGE} koinu`,
          'no order',
        ],
      ]);
    } finally {
      await db.admin.raw('UPDATE "order".auctions SET order_id = ? WHERE id = ?', [soldOrder, soldAuction]);
    }
  });

  it('finds a refill from cold the wallet never booked, an hour after the saga took it in', async function () {
    const txid = 'c7'.repeat(32);
    const address = 'refill-address-of-this-test';
    await db
      .admin('withdrawal_saga.refill_addresses')
      .insert({ address, derivation_path: "m/44'/3'/0'/1/900" });
    await db.admin('withdrawal_saga.refills').insert({
      txid,
      vout: 1,
      amount_koinu: '500000000',
      address,
      declared_by: 'alice.ops',
      declared_at: HOUR_AGO,
    });
    try {
      const run = await runReconciler(db);
      expect(run.exitCode).to.equal(2);
      expect(
        findingsOf(run, 'cold-transfer-booked').map((found) => [
          found.subjectId,
          found.expected,
          found.actual,
        ]),
      ).to.deep.equal([[`refill:${txid}:1`, '500000000 (miner fee 0)', 'none']]);
    } finally {
      await db.admin('withdrawal_saga.refills').where({ txid }).delete();
      await db.admin('withdrawal_saga.refill_addresses').where({ address }).delete();
    }
  });

  it('publishes one reconciliation.discrepancy event per finding, with the exact amounts', async function () {
    await db.admin.raw('UPDATE wallet.wallet_balances SET pending = pending + 0.00000001 WHERE user_id = ?', [
      users.carol,
    ]);
    let run: ReconcileRun;
    try {
      run = await runReconciler(db);
    } finally {
      await db.admin.raw(
        'UPDATE wallet.wallet_balances SET pending = pending - 0.00000001 WHERE user_id = ?',
        [users.carol],
      );
    }
    expect(run.exitCode).to.equal(2);
    const registry = new SchemaRegistry({ host: stack.schemaRegistryUrl });
    const kafka = new Kafka({
      clientId: 'reconciler-tests',
      brokers: stack.kafkaBrokers,
      ...stackKafkaSasl(),
      logLevel: logLevel.NOTHING,
    });
    const consumer = kafka.consumer({ groupId: `reconciler-tests-${randomUUID()}` });
    const seen: Array<{ runId: string; check: string; subjectId: string; expected: string; actual: string }> =
      [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: TOPICS.reconciliationDiscrepancy, fromBeginning: true });
      const done = new Promise<void>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => {
            const value = (await registry.decode(message.value!)) as { payload: (typeof seen)[number] };
            if (value.payload.runId !== run.report.runId) return;
            seen.push(value.payload);
            if (seen.length === run.report.findings.length) resolve();
          },
        });
      });
      await Promise.race([
        done,
        new Promise((_, reject) => setTimeout(() => reject(new Error(`saw ${seen.length} events`)), 60_000)),
      ]);
    } finally {
      await consumer.disconnect();
    }
    expect(
      seen.map((event) => [event.check, event.subjectId, event.expected, event.actual]).sort(),
    ).to.deep.equal(
      run.report.findings.map((found) => [found.check, found.subjectId, found.expected, found.actual]).sort(),
    );
    expect(
      seen.map((event) => [event.check, event.subjectId, event.expected, event.actual]),
    ).to.deep.include.members([
      ['user-bucket-sum', users.carol, '0', '1'],
      ['user-ledger-sum', users.carol, (14n * DOGE).toString(), (14n * DOGE + 1n).toString()],
    ]);
  });

  // Last: a coin spent on the chain cannot be put back.
  it("finds a hot-wallet coin spent behind the platform's back, and the chain no longer covering the users", async function () {
    const coin = coins.get('alice')!;
    const thief = newKey();
    await spend(chain, coin, [{ address: thief.address, valueKoinu: coin.amountKoinu - DOGE }]);
    const run = await runReconciler(db);
    expect(run.exitCode).to.equal(2);
    expect(findingsOf(run, 'hot-wallet-coin-unspent')).to.deep.equal([
      {
        check: 'hot-wallet-coin-unspent',
        subjectType: 'coin',
        subjectId: `${coin.txid}:${coin.vout}`,
        expected: (100n * DOGE).toString(),
        actual: '0',
        detail: 'saga holds it as AVAILABLE; the node says it is spent or unknown',
      },
    ]);
    // Users hold 100 + 50 + 20 + 10 - 5 - 1 (network fee) - 1 (marketplace fee) = 173 DOGE; left on chain: 50 + 10 + 14.
    expect(findingsOf(run, 'chain-covers-liabilities')).to.deep.equal([
      {
        check: 'chain-covers-liabilities',
        subjectType: 'chain',
        subjectId: 'hot-wallet',
        expected: `>= ${173n * DOGE}`,
        actual: (74n * DOGE).toString(),
        detail: `unspent hot (${74n * DOGE}) and cold (0) outputs on the node vs user liabilities ${173n * DOGE} less in-flight withdrawals 0`,
      },
    ]);
  });
});
