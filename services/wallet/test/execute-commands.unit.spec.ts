// Proves the command use case's story on an in-memory store: a batch is decided in arrival order
// against one book and written once; only what new commands touch is row-locked, in the global lock
// order; a stored key replays its answer or refuses another body; a key repeated inside a batch
// replays its first use; and aggregates the database did not hold are inserted, the rest updated.
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
});
