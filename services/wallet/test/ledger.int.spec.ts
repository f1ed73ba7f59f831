// Proves the wallet's money core on the real Postgres and Redis, through the same executor the
// service runs: exactly-N under 200 concurrent pay-orders (with Redis up, down, and with locks that
// expire mid-transaction), one effect per idempotency key, per-command results inside one group
// commit, reconciliation after random command sequences, and an append-only ledger.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import fc from 'fast-check';
import type { Knex } from 'knex';
import { commandArbitrary } from './ledger-properties.unit.spec.js';
import type { Command, PayOrder } from '../src/domain/index.js';
import type { CommandOutcome, WalletLocks } from '../src/use-cases/ports.js';
import {
  DOGE,
  balanceOf,
  expectReconciled,
  fund,
  request,
  testExecutor,
  walletKnex,
  WALLET_DATABASE_URL,
  type TestExecutor,
} from './support/stack.js';

const ORDER_PRICE = 3n * DOGE;

function payOrder(buyerId: string): PayOrder {
  return {
    type: 'PayOrder',
    orderId: randomUUID(),
    buyerId,
    sellerId: randomUUID(),
    amountKoinu: ORDER_PRICE,
    feeKoinu: DOGE / 10n,
  };
}

/** Funds a fresh buyer for exactly `affordable` orders (plus change), then fires `total` at once. */
async function exactlyN(
  funder: TestExecutor,
  runners: TestExecutor[],
  total: number,
  affordable: number,
): Promise<{ buyer: string; outcomes: CommandOutcome[] }> {
  const buyer = randomUUID();
  await fund(funder, buyer, ORDER_PRICE * BigInt(affordable) + ORDER_PRICE - 1n);
  const outcomes = await Promise.all(
    Array.from({ length: total }, (_, index) =>
      runners[index % runners.length]!.executor.execute(request(payOrder(buyer))),
    ),
  );
  const accepted = outcomes.filter((o) => o.kind === 'accepted').length;
  const refused = outcomes.filter(
    (o) => o.kind === 'rejected' && o.error.code === 'WALLET_INSUFFICIENT_FUNDS',
  ).length;
  expect([accepted, refused]).to.deep.equal([affordable, total - affordable]);
  const balance = await balanceOf(funder.knex, buyer);
  expect(balance).to.include({
    available: ORDER_PRICE - 1n,
    locked: ORDER_PRICE * BigInt(affordable),
    pending: 0n,
  });
  expect(balance!.version).to.equal(affordable + 1);
  await expectReconciled(funder.knex, [buyer]);
  return { buyer, outcomes };
}

describe('wallet ledger on the real database', function () {
  this.timeout(120_000);
  let main: TestExecutor;

  before(() => {
    main = testExecutor();
  });
  after(async () => {
    await main.close();
  });

  it('200 concurrent pay-orders on a wallet that affords 37: exactly 37 succeed', async () => {
    await exactlyN(main, [main], 200, 37);
  });

  it('with Redis unreachable, proceeds on row locks alone and stays exact', async () => {
    const noRedis = testExecutor({ redisUrl: 'redis://127.0.0.1:1' });
    try {
      await exactlyN(main, [noRedis], 200, 50);
    } finally {
      await noRedis.close();
    }
  });

  it('with locks that expire mid-transaction, two executors (two pools) racing stay exact', async () => {
    // Each lock is really taken (20 ms TTL) and then outlived before the transaction starts, as after a
    // long GC pause: both executors "hold" the same wallet at once and only row locks and versions remain.
    const LOCK_TTL_MS = 20;
    const outlive = (locks: WalletLocks): WalletLocks => ({
      acquire: async (resources) => {
        const outcome = await locks.acquire(resources);
        await sleep(LOCK_TTL_MS + 5);
        return outcome;
      },
      close: () => locks.close(),
    });
    const a = testExecutor({ lock: { lockTtlMs: LOCK_TTL_MS }, wrapLocks: outlive, maxBatchSize: 7 });
    const b = testExecutor({ lock: { lockTtlMs: LOCK_TTL_MS }, wrapLocks: outlive, maxBatchSize: 11 });
    try {
      await exactlyN(main, [a, b], 200, 61);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('one idempotency key sent 50 times at once: one effect, 50 identical answers', async () => {
    const buyer = randomUUID();
    await fund(main, buyer, 10n * DOGE);
    const command = payOrder(buyer);
    const key = randomUUID();
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, () => main.executor.execute(request(command, 'service:order', key))),
    );
    const answers = new Set(outcomes.map((o) => JSON.stringify(o.kind === 'accepted' ? o.result : o)));
    expect(answers.size).to.equal(1);
    expect(outcomes.filter((o) => o.kind === 'accepted' && !o.replayed)).to.have.length(1);
    expect(await balanceOf(main.knex, buyer)).to.include({ available: 7n * DOGE, locked: 3n * DOGE });
    const reused = await main.executor.execute(
      request({ ...command, amountKoinu: DOGE }, 'service:order', key),
    );
    expect(reused.kind).to.equal('key-reused');
    // Another caller's key space is its own: the same key from another service is a new command.
    const other = await main.executor.execute(request(payOrder(buyer), 'service:another', key));
    expect(other.kind).to.equal('accepted');
  });

  it('gives every command of one group commit its own answer', async () => {
    const rich = randomUUID();
    const poor = randomUUID();
    await fund(main, rich, 100n * DOGE);
    await fund(main, poor, DOGE);
    const orderId = randomUUID();
    const commands: Command[] = [
      payOrder(rich),
      payOrder(poor),
      { type: 'ReleaseEscrow', orderId: randomUUID() },
      { ...payOrder(rich), orderId },
      { ...payOrder(rich), orderId },
      { type: 'ReleaseEscrow', orderId },
      { type: 'ReleaseEscrow', orderId },
    ];
    const outcomes = await Promise.all(commands.map((command) => main.executor.execute(request(command))));
    expect(outcomes.map((o) => (o.kind === 'rejected' ? o.error.code : o.kind))).to.deep.equal([
      'accepted',
      'WALLET_INSUFFICIENT_FUNDS',
      'WALLET_ESCROW_NOT_FOUND',
      'accepted',
      'WALLET_ESCROW_ALREADY_EXISTS',
      'accepted',
      'WALLET_ESCROW_WRONG_STATE',
    ]);
    await expectReconciled(main.knex, [rich, poor]);
  });

  it('runs non-conflicting batches side by side: per-wallet exactly-N and releases to one seller stay exact', async () => {
    // Small batches, up to four at once: batches that share no wallet, order or key overlap (the lock
    // wrapper counts how many hold their redis locks at the same time), while releases of many orders
    // all credit one seller whose wallet no batch claims up front: only row locks order those.
    let holding = 0;
    let mostAtOnce = 0;
    const counting = (locks: WalletLocks): WalletLocks => ({
      acquire: async (resources) => {
        const outcome = await locks.acquire(resources);
        holding += 1;
        mostAtOnce = Math.max(mostAtOnce, holding);
        // Hold the lock a moment so that overlap is observable even on an idle machine.
        await sleep(5);
        const release = outcome.kind === 'locked' ? outcome.release : () => Promise.resolve();
        return {
          kind: 'locked',
          release: async () => {
            holding -= 1;
            await release();
          },
        };
      },
      close: () => locks.close(),
    });
    const parallel = testExecutor({ wrapLocks: counting, maxBatchSize: 5, maxConcurrentBatches: 4 });
    try {
      const seller = randomUUID();
      const buyers = Array.from({ length: 6 }, () => randomUUID());
      const affordable = [3, 5, 0, 7, 1, 4];
      for (const [index, buyer] of buyers.entries())
        await fund(main, buyer, ORDER_PRICE * BigInt(affordable[index]!) + ORDER_PRICE - 1n);
      // Escrows to the common seller, paid up front by a separate rich buyer.
      const rich = randomUUID();
      await fund(main, rich, 100n * ORDER_PRICE);
      const released = Array.from({ length: 20 }, () => randomUUID());
      for (const orderId of released)
        await main.executor.execute(request({ ...payOrder(rich), orderId, sellerId: seller }));

      const commands: Command[] = [];
      for (let round = 0; round < 12; round += 1) {
        for (const buyer of buyers) commands.push(payOrder(buyer));
        commands.push({ type: 'ReleaseEscrow', orderId: released[round]! });
      }
      for (const orderId of released.slice(12)) commands.push({ type: 'ReleaseEscrow', orderId });
      const outcomes = await Promise.all(commands.map((c) => parallel.executor.execute(request(c))));
      expect(outcomes.filter((o) => o.kind !== 'accepted' && o.kind !== 'rejected')).to.deep.equal([]);
      expect(mostAtOnce).to.be.greaterThan(1);
      for (const [index, buyer] of buyers.entries()) {
        const balance = await balanceOf(main.knex, buyer);
        expect(balance, `buyer ${index}`).to.include({
          available: ORDER_PRICE - 1n,
          locked: ORDER_PRICE * BigInt(affordable[index]!),
        });
      }
      const releases = outcomes.filter((_, index) => commands[index]!.type === 'ReleaseEscrow');
      expect(releases.map((o) => o.kind)).to.deep.equal(Array.from({ length: 20 }, () => 'accepted'));
      const fee = DOGE / 10n;
      expect(await balanceOf(main.knex, seller)).to.include({
        available: 20n * (ORDER_PRICE - fee),
        locked: 0n,
      });
      await expectReconciled(main.knex, [...buyers, rich, seller]);
    } finally {
      await parallel.close();
    }
  });

  it('keeps the books after random command sequences from many users (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(commandArbitrary, { minLength: 5, maxLength: 40 }), async (commands) => {
        // Fresh ids per run, so runs (and other tests) never share a wallet, order or deposit.
        const rename = new Map<string, string>();
        const fresh = (id: string) => {
          if (!rename.has(id))
            rename.set(
              id,
              /^[0-9a-f]{64}$/.test(id) ? randomUUID().replaceAll('-', '').repeat(2) : randomUUID(),
            );
          return rename.get(id)!;
        };
        const renamed = commands.map(
          (command) =>
            Object.fromEntries(
              Object.entries(command).map(([key, value]) => [
                key,
                typeof value === 'string' && /(Id|^txid)$/.test(key) ? fresh(value) : value,
              ]),
            ) as unknown as Command,
        );
        const users = [
          ...new Set(
            renamed.flatMap((c) =>
              ['userId', 'buyerId', 'sellerId'].flatMap((k) => {
                const id = (c as unknown as Record<string, string | undefined>)[k];
                return id === undefined ? [] : [id];
              }),
            ),
          ),
        ];
        for (const userId of users) await fund(main, userId, 30n * DOGE);
        // Half in one concurrent burst (group-committed together), half one by one.
        const half = Math.floor(renamed.length / 2);
        await Promise.all(renamed.slice(0, half).map((command) => main.executor.execute(request(command))));
        for (const command of renamed.slice(half)) await main.executor.execute(request(command));
        await expectReconciled(main.knex, users);
      }),
      { numRuns: 12 },
    );
  });

  describe('ledger_entries is append-only for the service role', () => {
    let knex: Knex;
    /** The schema's owner role (dbay_wallet_owner), which the migrations run as. */
    let owner: Knex;
    before(() => {
      knex = walletKnex(1);
      const ownerUrl = new URL(WALLET_DATABASE_URL);
      ownerUrl.username = `${decodeURIComponent(ownerUrl.username)}_owner`;
      owner = walletKnex(1, ownerUrl.toString());
    });
    after(async () => {
      await knex.destroy();
      await owner.destroy();
    });

    for (const statement of [
      'UPDATE ledger_entries SET credit = credit + 1 WHERE seq = (SELECT MAX(seq) FROM ledger_entries)',
      'DELETE FROM ledger_entries WHERE seq = (SELECT MAX(seq) FROM ledger_entries)',
      'TRUNCATE ledger_entries',
    ]) {
      it(`refuses: ${statement.split(' ').slice(0, 2).join(' ')}`, async () => {
        const before = await knex.raw<{ rows: unknown[] }>(
          'SELECT COUNT(*) AS n, SUM(credit) AS c FROM ledger_entries',
        );
        let failure: unknown;
        try {
          await knex.raw(statement);
        } catch (error) {
          failure = error;
        }
        expect(String(failure)).to.match(/permission denied|append-only/);
        const after = await knex.raw<{ rows: unknown[] }>(
          'SELECT COUNT(*) AS n, SUM(credit) AS c FROM ledger_entries',
        );
        expect(after.rows).to.deep.equal(before.rows);
      });
    }

    it("the service role cannot grant itself UPDATE; even the schema's owner that does is refused by the trigger", async () => {
      // The GRANT and the UPDATE run in a transaction that is always rolled back, so the grant never
      // outlives the test. Every assertion runs after the rollback, on what the statements answered: an
      // assertion inside the transaction would only roll it back, and its failure would go with it.
      // The service role owns nothing: its GRANT grants nothing (Postgres warns, it does not fail).
      await knex.raw('GRANT UPDATE, DELETE ON ledger_entries TO CURRENT_USER').catch(() => undefined);
      const serviceMay = await knex.raw<{ rows: { allowed: boolean }[] }>(
        'SELECT has_table_privilege(current_user, ?, ?) AS allowed',
        ['wallet.ledger_entries', 'UPDATE'],
      );
      expect(serviceMay.rows[0]!.allowed, 'the service role granted itself UPDATE').to.equal(false);
      // A ledger entry of its own for the row trigger to fire on, whatever ran before.
      const funder = testExecutor({ poolMax: 1 });
      try {
        await fund(funder, randomUUID(), DOGE);
      } finally {
        await funder.close();
      }
      const latest = await owner.raw<{ rows: { seq: string | null }[] }>(
        'SELECT MAX(seq) AS seq FROM ledger_entries',
      );
      const seq = latest.rows[0]!.seq;
      expect(seq, 'a ledger entry for the row trigger to fire on').to.be.a('string');
      const ROLLED_BACK = new Error('rolled back on purpose');
      let grantedInside: boolean | undefined;
      let refusal: unknown;
      const ended = await owner
        .transaction(async (trx) => {
          await trx.raw('GRANT UPDATE, DELETE ON ledger_entries TO CURRENT_USER');
          const granted = await trx.raw<{ rows: { allowed: boolean }[] }>(
            'SELECT has_table_privilege(current_user, ?, ?) AS allowed',
            ['wallet.ledger_entries', 'UPDATE'],
          );
          grantedInside = granted.rows[0]!.allowed;
          refusal = await trx.raw('UPDATE ledger_entries SET credit = credit WHERE seq = ?', [seq]).then(
            () => undefined,
            (error: unknown) => error,
          );
          throw ROLLED_BACK;
        })
        .then(
          () => 'committed',
          (error: unknown) => error,
        );
      expect(ended, 'the transaction ends only by the deliberate rollback').to.equal(ROLLED_BACK);
      // Without the grant the UPDATE would be refused by the permissions, not by the trigger under test.
      expect(grantedInside, 'the owner could grant itself UPDATE').to.equal(true);
      expect(String(refusal)).to.match(/ledger_entries is append-only: UPDATE is not allowed/);
      const still = await owner.raw<{ rows: { allowed: boolean }[] }>(
        'SELECT has_table_privilege(current_user, ?, ?) AS allowed',
        ['wallet.ledger_entries', 'UPDATE'],
      );
      expect(still.rows[0]!.allowed, 'the rollback took the grant away again').to.equal(false);
    });
  });
});
