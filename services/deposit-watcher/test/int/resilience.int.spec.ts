// Proves the watcher survives a misbehaving node and its own restarts without missing or repeating
// a deposit: a malformed answer is logged with what was wrong and retried (no progress, no skip), an
// unreachable node opens the circuit breaker and the watcher recovers by itself when it returns,
// a watcher replaced mid-catch-up resumes at its stored tip, and an address learned after the block
// that pays it was scanned is still credited.
import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { readCursor } from '../../src/adapters/db/chain-store.js';
import {
  assignAddress,
  buildWatcher,
  createTestDatabase,
  outboxEvents,
  pollUntilCaughtUp,
  startTestSimulator,
  type TestDatabase,
  type TestSimulator,
} from '../support/harness.js';
import { newRegtestAddress } from '../support/addresses.js';
import { TOPICS } from '@dbay/contracts';

describe('deposit watcher resilience (simulator + PostgreSQL)', function () {
  this.timeout(120_000);
  let simulator: TestSimulator;
  let database: TestDatabase;

  beforeEach(async () => {
    simulator = await startTestSimulator();
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await simulator.control.fault('none').catch(() => undefined);
    await database.drop();
    await simulator.stop();
  });

  it('logs a malformed answer, retries, and neither skips nor repeats the block', async () => {
    const watcher = await buildWatcher(database.knex, simulator.url, {}, { volumeThreshold: 1_000 });
    const user = newRegtestAddress();
    await assignAddress(database.knex, { userId: 'user-m', address: user.address, addressIndex: 4 });
    await pollUntilCaughtUp(watcher);
    const before = await readCursor(database.knex);
    await simulator.control.fund([{ address: user.address, amount: '1' }]);
    await simulator.control.mine(1);

    await simulator.control.fault('garbage', 60_000);
    for (let poll = 0; poll < 3; poll += 1) {
      const error = await watcher.follower.pollOnce().then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(error).to.be.instanceOf(Error).with.property('name', 'RpcMalformedAnswerError');
    }
    expect(await readCursor(database.knex)).to.deep.equal(before);
    expect(await outboxEvents(database.knex)).to.deep.equal([]);

    await simulator.control.fault('none');
    await pollUntilCaughtUp(watcher);
    const events = await outboxEvents(database.knex);
    expect(events.map((event) => event.topic)).to.deep.equal([TOPICS.depositDetected]);
    expect((await readCursor(database.knex)).tipHeight).to.equal(before.tipHeight + 1);
  });

  it('opens the breaker while the node is down and recovers by itself, missing nothing', async () => {
    const watcher = await buildWatcher(
      database.knex,
      simulator.url,
      {},
      { resetTimeoutMs: 500, volumeThreshold: 2 },
    );
    const user = newRegtestAddress();
    await assignAddress(database.knex, { userId: 'user-d', address: user.address, addressIndex: 5 });
    await pollUntilCaughtUp(watcher);
    await simulator.control.fund([{ address: user.address, amount: '2' }]);
    await simulator.control.mine(3);

    await simulator.control.fault('500', 60_000);
    // Polling on: the failures outweigh the successes still in the breaker's rolling window, and it opens.
    const failures: string[] = [];
    const openBy = Date.now() + 20_000;
    while (watcher.node.breakerState !== 'open' && Date.now() < openBy) {
      await watcher.follower.pollOnce().catch((error: unknown) => failures.push((error as Error).name));
      await sleep(100);
    }
    expect(watcher.node.breakerState).to.equal('open');
    await watcher.follower.pollOnce().catch((error: unknown) => failures.push((error as Error).name));
    expect(failures).to.include('RpcTransportError').and.include('NodeUnavailableError');
    expect(await outboxEvents(database.knex)).to.deep.equal([]);
    await simulator.control.fault('none');

    // The node is back; the watcher polls on, the breaker half-opens and closes again by itself.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const caughtUp = await watcher.follower.pollOnce().then(
        (report) => report.reachedTip,
        () => false,
      );
      if (caughtUp) break;
      if (Date.now() > deadline) throw new Error('the watcher did not recover');
      await sleep(200);
    }
    expect(watcher.node.breakerState).to.equal('closed');
    const events = await outboxEvents(database.knex);
    expect(events.map((event) => [event.topic, event.payload.confirmations])).to.deep.equal([
      [TOPICS.depositDetected, 1],
      [TOPICS.depositConfirmationsChanged, 2],
      [TOPICS.depositConfirmationsChanged, 3],
    ]);
  });

  it('resumes at its stored tip after being replaced mid-catch-up, repeating nothing', async () => {
    const users = [newRegtestAddress(), newRegtestAddress(), newRegtestAddress()];
    for (const [index, user] of users.entries()) {
      await assignAddress(database.knex, {
        userId: `user-${index}`,
        address: user.address,
        addressIndex: 20 + index,
      });
    }
    for (const user of users) {
      await simulator.control.fund([{ address: user.address, amount: '9' }]);
      await simulator.control.mine(4);
    }
    await simulator.control.mine(6);
    // A first watcher scans part of the chain, 5 blocks per poll, and is dropped mid-way.
    const first = await buildWatcher(database.knex, simulator.url, { maxBlocksPerPoll: 5 });
    for (let poll = 0; poll < 4; poll += 1) await first.follower.pollOnce();
    const midway = await readCursor(database.knex);
    expect(midway.tipHeight).to.be.greaterThan(0);
    const second = await buildWatcher(database.knex, simulator.url);
    await pollUntilCaughtUp(second);

    const events = await outboxEvents(database.knex);
    const confirmed = events.filter((event) => event.topic === TOPICS.depositConfirmed);
    expect(confirmed.map((event) => event.payload.userId).sort()).to.deep.equal([
      'user-0',
      'user-1',
      'user-2',
    ]);
    const detected = events.filter((event) => event.topic === TOPICS.depositDetected);
    expect(detected).to.have.length(3);
    // Each deposit walked 1..5 then confirmed at 6: exactly 5 changes each, none repeated.
    for (const user of ['user-0', 'user-1', 'user-2']) {
      const counts = events
        .filter(
          (event) => event.topic === TOPICS.depositConfirmationsChanged && event.payload.userId === user,
        )
        .map((event) => event.payload.confirmations);
      expect(counts, user).to.deep.equal([2, 3, 4, 5]);
    }
    const heights = (await database.knex('chain_blocks').select('height').orderBy('height')) as Array<{
      height: string;
    }>;
    const status = await simulator.control.status();
    expect(heights.map((row) => Number(row.height))).to.deep.equal(
      Array.from({ length: status.height + 1 }, (_, h) => h),
    );
  });

  it('credits a payment to an address learned after its block was scanned', async () => {
    const watcher = await buildWatcher(database.knex, simulator.url);
    await pollUntilCaughtUp(watcher);
    const late = newRegtestAddress();
    const assignedAt = new Date();
    await simulator.control.fund([{ address: late.address, amount: '11' }]);
    await simulator.control.mine(2);
    await pollUntilCaughtUp(watcher);
    expect(await outboxEvents(database.knex)).to.deep.equal([]);

    // The assignment event was produced before the payment but consumed only now.
    await assignAddress(database.knex, {
      userId: 'user-late',
      address: late.address,
      addressIndex: 30,
      occurredAt: assignedAt,
    });
    await pollUntilCaughtUp(watcher);
    await simulator.control.mine(4);
    await pollUntilCaughtUp(watcher);
    const events = await outboxEvents(database.knex);
    expect(events.map((event) => [event.topic, event.payload.confirmations])).to.deep.equal([
      [TOPICS.depositDetected, 1],
      [TOPICS.depositConfirmationsChanged, 2],
      [TOPICS.depositConfirmationsChanged, 3],
      [TOPICS.depositConfirmationsChanged, 4],
      [TOPICS.depositConfirmationsChanged, 5],
      [TOPICS.depositConfirmed, 6],
    ]);
  });
});
