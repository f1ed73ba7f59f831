// Proves the command use case's story on an in-memory store: a batch is decided in arrival order
// against one book and written once; only what new commands touch is row-locked, in the global lock
// order; a stored key replays its answer or refuses another body; a key repeated inside a batch
// replays its first use; aggregates the database did not hold are inserted, the rest updated; and a
// bid's release retires its lock's key, so a lock that arrives after its release never locks.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { Command, PayOrder } from '../src/domain/index.js';
import { executeCommands } from '../src/use-cases/execute-commands.js';
import type { CommandRequest } from '../src/use-cases/ports.js';
import { DOGE, policy } from './fixtures.js';
import { MemoryStore } from './memory-store.js';

const context = { policy, now: () => new Date('2026-11-24T12:00:00.000Z'), newId: randomUUID };
const request = (command: Command, idempotencyKey: string = randomUUID()): CommandRequest => ({
  command,
  scope: 'service:order',
  idempotencyKey,
  correlationId: 'correlation',
  causationId: null,
});

describe('execute commands (use case)', () => {
  const buyer = randomUUID();
  const seller = randomUUID();
  const payOrder = (amountKoinu: bigint, orderId = randomUUID()): PayOrder => ({
    type: 'PayOrder',
    orderId,
    buyerId: buyer,
    sellerId: seller,
    amountKoinu,
    feeKoinu: 0n,
  });

  it('decides in arrival order against one book, so two orders cannot spend the same coins, and writes once', async () => {
    const store = new MemoryStore({ [buyer]: 5n * DOGE });
    const outcomes = await executeCommands(
      store,
      [request(payOrder(3n * DOGE)), request(payOrder(3n * DOGE)), request(payOrder(2n * DOGE))],
      context,
    );
    expect(outcomes.map((o) => (o.kind === 'rejected' ? o.error.code : o.kind))).to.deep.equal([
      'accepted',
      'WALLET_INSUFFICIENT_FUNDS',
      'accepted',
    ]);
    expect(store.writes).to.have.length(1);
    expect(store.wallets.get(buyer)).to.include({ availableKoinu: 0n, lockedKoinu: 5n * DOGE, version: 2 });
    expect(store.writes[0]!.updatedWallets).to.deep.equal([
      { value: store.wallets.get(buyer), previousVersion: 0 },
    ]);
    expect(store.outbox.map((e) => e.topic)).to.deep.equal([
      'escrow.locked',
      'balance.changed',
      'escrow.lock-failed',
      'escrow.locked',
      'balance.changed',
    ]);
    expect([...store.commands.values()].map((c) => c.outcome)).to.deep.equal([
      'ACCEPTED',
      'REJECTED',
      'ACCEPTED',
    ]);
  });

  it('row-locks what the new commands touch in the global lock order, and nothing for a replay', async () => {
    const store = new MemoryStore({ [buyer]: 5n * DOGE });
    const orderId = randomUUID();
    const first = request(payOrder(DOGE, orderId));
    await executeCommands(store, [first], context);
    expect(store.calls.map((c) => c.method)).to.deep.equal([
      'findCommands',
      'lockEscrows',
      'lockBidLocks',
      'lockWithdrawals',
      'lockDeposits',
      'lockWallets',
      'lockPlatformAccounts',
      'write',
    ]);
    expect(store.calls.find((c) => c.method === 'lockWallets')?.argument).to.deep.equal([buyer, seller]);

    store.calls.length = 0;
    await executeCommands(store, [first], context);
    const locked = store.calls.filter((c) => c.method.startsWith('lock')).map((c) => c.argument);
    expect(locked.every((argument) => (argument as unknown[]).length === 0)).to.equal(true);
  });

  it('replays the stored answer for the same key and body; another body under that key is key-reused', async () => {
    const store = new MemoryStore({ [buyer]: 5n * DOGE });
    const orderId = randomUUID();
    const [first] = await executeCommands(store, [request(payOrder(DOGE, orderId), 'pay-1')], context);
    const after = structuredClone(store.wallets);

    const [replayed, reused] = await executeCommands(
      store,
      [request(payOrder(DOGE, orderId), 'pay-1'), request(payOrder(2n * DOGE, orderId), 'pay-1')],
      context,
    );
    expect(first).to.include({ kind: 'accepted', replayed: false });
    expect(replayed).to.deep.equal({ ...first, replayed: true });
    expect(reused).to.deep.include({ kind: 'key-reused' });
    expect(store.wallets).to.deep.equal(after);
    expect(store.writes[1]).to.deep.include({ commands: [], ledgerEntries: [], events: [] });
  });

  it('replays a split under its key without moving money again; another split under that key is key-reused', async () => {
    const store = new MemoryStore({ [buyer]: 5n * DOGE });
    const orderId = randomUUID();
    await executeCommands(
      store,
      [request(payOrder(4n * DOGE, orderId)), request({ type: 'DisputeEscrow', orderId, reason: 'damaged' })],
      context,
    );
    const split = (buyerRefundKoinu: bigint): Command => ({
      type: 'ResolveDispute',
      orderId,
      outcome: 'SPLIT',
      buyerRefundKoinu,
      feeKoinu: DOGE / 10n,
    });
    const [first] = await executeCommands(store, [request(split(DOGE), 'split-1')], context);
    expect(first).to.deep.include({ kind: 'accepted', replayed: false });
    const after = {
      wallets: structuredClone(store.wallets),
      ledger: store.ledger.length,
      outbox: store.outbox.length,
    };

    const [replayed, reused] = await executeCommands(
      store,
      [request(split(DOGE), 'split-1'), request(split(2n * DOGE), 'split-1')],
      context,
    );
    expect(replayed).to.deep.equal({ ...first, replayed: true });
    expect(reused).to.deep.include({ kind: 'key-reused' });
    expect({
      wallets: store.wallets,
      ledger: store.ledger.length,
      outbox: store.outbox.length,
    }).to.deep.equal(after);
    expect(store.escrows.get(orderId)?.split).to.deep.equal({
      buyerRefundKoinu: DOGE,
      sellerCreditKoinu: 3n * DOGE - DOGE / 10n,
      feeKoinu: DOGE / 10n,
    });
  });

  it('answers a key repeated inside one batch with its first answer, recorded and announced once', async () => {
    const store = new MemoryStore();
    const release = request({ type: 'ReleaseEscrow', orderId: randomUUID() }, 'release-1');
    const outcomes = await executeCommands(store, [release, release], context);
    expect(outcomes.map((o) => o.kind === 'rejected' && [o.error.code, o.replayed])).to.deep.equal([
      ['WALLET_ESCROW_NOT_FOUND', false],
      ['WALLET_ESCROW_NOT_FOUND', true],
    ]);
    expect(store.commands.size).to.equal(1);
    expect(store.outbox.map((e) => e.topic)).to.deep.equal(['escrow.command-failed']);
  });

  describe("a bid's release retires its lock's key", () => {
    const auctionId = randomUUID();
    const lock = (amountKoinu: bigint): Command => ({
      type: 'LockBid',
      auctionId,
      userId: buyer,
      amountKoinu,
    });
    const unlock = (lockIdempotencyKey?: string): Command => ({
      type: 'UnlockBid',
      auctionId,
      userId: buyer,
      ...(lockIdempotencyKey ? { lockIdempotencyKey } : {}),
    });
    const codes = (outcomes: Awaited<ReturnType<typeof executeCommands>>) =>
      outcomes.map((o) => (o.kind === 'rejected' ? o.error.code : o.kind));

    it('refuses a lock that arrives after its own release, in a later batch, and leaves the money available', async () => {
      const store = new MemoryStore({ [buyer]: 5n * DOGE });
      const [released] = await executeCommands(
        store,
        [request(unlock('bid-1:lock'), 'bid-1:unlock')],
        context,
      );
      expect(released).to.include({ kind: 'rejected' });
      const [late] = await executeCommands(store, [request(lock(2n * DOGE), 'bid-1:lock')], context);
      expect(late).to.deep.include({ kind: 'rejected', replayed: true });
      expect(late!.kind === 'rejected' && late!.error.code).to.equal('WALLET_BID_LOCK_RELEASED');
      expect(store.wallets.get(buyer)).to.include({ availableKoinu: 5n * DOGE, lockedKoinu: 0n });
      expect(store.bidLocks.size).to.equal(0);
      // The bidder's next bid has its own key and locks as usual.
      const [next] = await executeCommands(store, [request(lock(3n * DOGE), 'bid-2:lock')], context);
      expect(next).to.include({ kind: 'accepted' });
      expect(store.wallets.get(buyer)).to.include({ availableKoinu: 2n * DOGE, lockedKoinu: 3n * DOGE });
    });

    it('refuses it in the same batch too, and a retried release replays without retiring again', async () => {
      const store = new MemoryStore({ [buyer]: 5n * DOGE });
      const release = request(unlock('bid-1:lock'), 'bid-1:unlock');
      const outcomes = await executeCommands(
        store,
        [release, request(lock(DOGE), 'bid-1:lock'), release],
        context,
      );
      expect(codes(outcomes)).to.deep.equal([
        'WALLET_BID_LOCK_NOT_FOUND',
        'WALLET_BID_LOCK_RELEASED',
        'WALLET_BID_LOCK_NOT_FOUND',
      ]);
      expect([...store.commands.values()].map((c) => [c.idempotencyKey, c.outcome]).sort()).to.deep.equal([
        ['bid-1:lock', 'REJECTED'],
        ['bid-1:unlock', 'REJECTED'],
      ]);
    });

    it('releases a lock that ran first, keeping its answer for a retry of the lock', async () => {
      const store = new MemoryStore({ [buyer]: 5n * DOGE });
      await executeCommands(store, [request(lock(2n * DOGE), 'bid-1:lock')], context);
      const [released] = await executeCommands(
        store,
        [request(unlock('bid-1:lock'), 'bid-1:unlock')],
        context,
      );
      expect(released).to.include({ kind: 'accepted' });
      const [retried] = await executeCommands(store, [request(lock(2n * DOGE), 'bid-1:lock')], context);
      expect(retried).to.include({ kind: 'accepted', replayed: true });
      expect(store.wallets.get(buyer)).to.include({ availableKoinu: 5n * DOGE, lockedKoinu: 0n });
    });

    it("leaves a lock a later raise set to that raise: the earlier bid's release cannot take its money", async () => {
      // The leader raises (bid 2) while a rival outbids their bid 1; bid 1's release arrives after the
      // raise's lock. It must not free the 5 DOGE bid 2 stands on; bid 2's own release frees them.
      const store = new MemoryStore({ [buyer]: 10n * DOGE });
      await executeCommands(store, [request(lock(2n * DOGE), 'bid-1:lock')], context);
      await executeCommands(store, [request(lock(5n * DOGE), 'bid-2:lock')], context);
      const [first] = await executeCommands(store, [request(unlock('bid-1:lock'), 'bid-1:unlock')], context);
      expect(first!.kind === 'rejected' && first!.error.code).to.equal('WALLET_BID_LOCK_SUPERSEDED');
      expect(store.wallets.get(buyer)).to.include({ availableKoinu: 5n * DOGE, lockedKoinu: 5n * DOGE });
      expect(store.outbox.map((e) => e.topic).at(-1)).to.equal('bid.command-failed');
      const [second] = await executeCommands(store, [request(unlock('bid-2:lock'), 'bid-2:unlock')], context);
      expect(second).to.include({ kind: 'accepted' });
      expect(store.wallets.get(buyer)).to.include({ availableKoinu: 10n * DOGE, lockedKoinu: 0n });
    });

    it("frees the lock when the earlier bid's release comes before the raise, which then locks in full", async () => {
      const store = new MemoryStore({ [buyer]: 10n * DOGE });
      await executeCommands(store, [request(lock(2n * DOGE), 'bid-1:lock')], context);
      const outcomes = await executeCommands(
        store,
        [request(unlock('bid-1:lock'), 'bid-1:unlock'), request(lock(5n * DOGE), 'bid-2:lock')],
        context,
      );
      expect(codes(outcomes)).to.deep.equal(['accepted', 'accepted']);
      expect(store.wallets.get(buyer)).to.include({ availableKoinu: 5n * DOGE, lockedKoinu: 5n * DOGE });
    });

    it('leaves a lock alone for a release whose own lock never ran, and retires that key', async () => {
      const store = new MemoryStore({ [buyer]: 10n * DOGE });
      await executeCommands(store, [request(lock(2n * DOGE), 'bid-1:lock')], context);
      const [released] = await executeCommands(
        store,
        [request(unlock('bid-2:lock'), 'bid-2:unlock')],
        context,
      );
      expect(released!.kind === 'rejected' && released!.error.code).to.equal('WALLET_BID_LOCK_SUPERSEDED');
      const [late] = await executeCommands(store, [request(lock(5n * DOGE), 'bid-2:lock')], context);
      expect(late!.kind === 'rejected' && late!.error.code).to.equal('WALLET_BID_LOCK_RELEASED');
      expect(store.wallets.get(buyer)).to.include({ availableKoinu: 8n * DOGE, lockedKoinu: 2n * DOGE });
    });

    it('retires nothing for a release that names no lock key', async () => {
      const store = new MemoryStore({ [buyer]: 5n * DOGE });
      await executeCommands(store, [request(unlock(), 'bid-1:unlock')], context);
      const [lockAfter] = await executeCommands(store, [request(lock(DOGE), 'bid-1:lock')], context);
      expect(lockAfter).to.include({ kind: 'accepted' });
    });
  });

  it('inserts an escrow the database did not hold, even when the batch also changed it, and updates a known one', async () => {
    const store = new MemoryStore({ [buyer]: 5n * DOGE });
    const [paidAndReleased, paidOnly] = [randomUUID(), randomUUID()];
    await executeCommands(
      store,
      [
        request(payOrder(DOGE, paidAndReleased)),
        request({ type: 'ReleaseEscrow', orderId: paidAndReleased }),
        request(payOrder(DOGE, paidOnly)),
      ],
      context,
    );
    expect(store.writes[0]!.escrows.created.map((e) => [e.orderId, e.status])).to.deep.equal([
      [paidAndReleased, 'RELEASED'],
      [paidOnly, 'LOCKED'],
    ]);
    expect(store.writes[0]!.createdWallets.map((w) => w.userId)).to.deep.equal([seller]);

    await executeCommands(store, [request({ type: 'RefundEscrow', orderId: paidOnly })], context);
    expect(store.writes[1]!.escrows).to.deep.equal({
      created: [],
      updated: [store.escrows.get(paidOnly)],
    });
    expect(store.escrows.get(paidOnly)?.status).to.equal('REFUNDED');
  });

  describe('moves of custody between hot and cold (no user money moves)', () => {
    const txid = 'c5'.repeat(32);
    const sagaRequest = (command: Command, idempotencyKey: string): CommandRequest => ({
      ...request(command, idempotencyKey),
      scope: 'service:withdrawal-saga',
    });
    const balances = (store: MemoryStore) =>
      Object.fromEntries([...store.platformAccounts.values()].map((a) => [a.code, a.balanceKoinu]));

    it('books a sweep hot -> cold and its miner fee from NETWORK_FEES, once per txid', async () => {
      const store = new MemoryStore({});
      const sweep: Command = { type: 'RecordSweep', txid, sweptKoinu: 180n * DOGE, minerFeeKoinu: 226_000n };
      const [first] = await executeCommands(store, [sagaRequest(sweep, `sweep:${txid}`)], context);
      expect(first?.kind).to.equal('accepted');
      expect(balances(store)).to.deep.equal({
        CHAIN_CLEARING: 180n * DOGE + 226_000n,
        COLD_STORAGE: -180n * DOGE,
        MARKETPLACE_FEES: 0n,
        NETWORK_FEES: -226_000n,
      });
      expect(store.ledger.map((e) => [e.platformAccount, e.entryType, e.referenceId])).to.deep.equal([
        ['CHAIN_CLEARING', 'SWEEP', txid],
        ['COLD_STORAGE', 'SWEEP', txid],
        ['NETWORK_FEES', 'MINER_FEE', txid],
        ['CHAIN_CLEARING', 'MINER_FEE', txid],
      ]);
      // A second event of the same sweep (another event id, the same txid key) is a replay.
      const [again] = await executeCommands(store, [sagaRequest(sweep, `sweep:${txid}`)], context);
      expect(again).to.include({ kind: 'accepted', replayed: true });
      expect(store.ledger).to.have.length(4);
      expect(balances(store).COLD_STORAGE).to.equal(-180n * DOGE);
      // The same txid with another amount is no sweep the wallet can book twice: key-reused.
      const [other] = await executeCommands(
        store,
        [sagaRequest({ ...sweep, sweptKoinu: DOGE }, `sweep:${txid}`)],
        context,
      );
      expect(other?.kind).to.equal('key-reused');
      expect(store.outbox.filter((e) => e.topic === 'balance.changed')).to.deep.equal([]);
    });

    it('books a refill cold -> hot once per output, and refuses a zero amount', async () => {
      const store = new MemoryStore({});
      const refill: Command = { type: 'RecordRefill', txid, vout: 1, amountKoinu: 50n * DOGE };
      await executeCommands(store, [sagaRequest(refill, `refill:${txid}:1`)], context);
      await executeCommands(store, [sagaRequest(refill, `refill:${txid}:1`)], context);
      expect(balances(store)).to.include({ CHAIN_CLEARING: -50n * DOGE, COLD_STORAGE: 50n * DOGE });
      expect(store.ledger.map((e) => [e.platformAccount, e.entryType, e.referenceId])).to.deep.equal([
        ['COLD_STORAGE', 'REFILL', `${txid}:1`],
        ['CHAIN_CLEARING', 'REFILL', `${txid}:1`],
      ]);
      const [zero] = await executeCommands(
        store,
        [sagaRequest({ ...refill, vout: 2, amountKoinu: 0n }, `refill:${txid}:2`)],
        context,
      );
      expect(zero?.kind === 'rejected' && zero.error.code).to.equal('WALLET_AMOUNT_INVALID');
      expect(store.ledger).to.have.length(2);
    });
  });
});
