// Proves reorg handling on a real simulator: a 2-block reorg that removes an unconfirmed deposit
// reverses it (and it is never confirmed), a reorg that only moves a deposit into another block
// reverses nothing, a mempool transaction that disappears for good is reversed after the configured
// polls, and a reorg deeper than the confirmation depth raises the alert event, metric and error log.
import { expect } from 'chai';
import {
  assignAddress,
  buildWatcher,
  createTestDatabase,
  outboxEvents,
  pollUntilCaughtUp,
  startTestSimulator,
  type TestDatabase,
  type TestSimulator,
  type Watcher,
} from '../support/harness.js';
import { newRegtestAddress } from '../support/addresses.js';
import { TOPICS } from '@dbay/contracts';

describe('deposit watcher reorgs (simulator + PostgreSQL)', function () {
  this.timeout(90_000);
  let simulator: TestSimulator;
  let database: TestDatabase;
  let watcher: Watcher;
  const user = newRegtestAddress();

  beforeEach(async () => {
    simulator = await startTestSimulator();
    database = await createTestDatabase();
    watcher = await buildWatcher(database.knex, simulator.url);
    await assignAddress(database.knex, { userId: 'user-r', address: user.address, addressIndex: 3 });
    await pollUntilCaughtUp(watcher);
  });
  afterEach(async () => {
    await database.drop();
    await simulator.stop();
  });

  const topics = async (): Promise<string[]> =>
    (await outboxEvents(database.knex)).map((event) => event.topic);

  it('reverses an unconfirmed deposit that a 2-block reorg removed, and never confirms it', async () => {
    const { txid } = await simulator.control.fund([{ address: user.address, amount: '42' }]);
    await simulator.control.mine(2);
    await pollUntilCaughtUp(watcher);
    // Mined before the watcher saw it in the mempool: detected at its first inclusion.
    expect(await topics()).to.deep.equal([TOPICS.depositDetected, TOPICS.depositConfirmationsChanged]);

    const reorg = await simulator.control.reorg({ depth: 2, blocks: 3, dropReturned: true });
    expect(reorg.dropped).to.include(txid);
    for (let poll = 0; poll < 4; poll += 1) await watcher.follower.pollOnce();
    await simulator.control.mine(10);
    await pollUntilCaughtUp(watcher);

    const events = await outboxEvents(database.knex);
    expect(events.map((event) => event.topic)).to.deep.equal([
      TOPICS.depositDetected,
      TOPICS.depositConfirmationsChanged,
      TOPICS.depositConfirmationsChanged,
      TOPICS.depositReversed,
    ]);
    expect(events[0]!.payload).to.include({ confirmations: 1 });
    expect(events[2]!.payload).to.include({ confirmations: 0, blockHash: null, blockHeight: null });
    expect(events[3]!.payload).to.deep.equal({
      userId: 'user-r',
      address: user.address,
      txid,
      vout: events[0]!.payload.vout,
      amountKoinu: '4200000000',
      wasConfirmed: false,
      reason: 'DEPOSIT_LEFT_CHAIN',
    });
    const alerts = await outboxEvents(database.knex, TOPICS.depositReorgDetected);
    expect(alerts).to.have.length(1);
    expect(alerts[0]!.payload).to.include({
      depth: 2,
      exceedsConfirmationDepth: false,
      affectedDeposits: 1,
      network: 'regtest',
    });
    expect(alerts[0]!.key).to.equal('regtest');
    const rows = await database.knex('chain_blocks').count<Array<{ n: string }>>({ n: '*' });
    const status = await simulator.control.status();
    expect(Number(rows[0]!.n)).to.equal(status.height + 1);
  });

  it('moves a deposit whose transaction is mined again in the new branch, reversing nothing', async () => {
    const { txid } = await simulator.control.fund([{ address: user.address, amount: '7' }]);
    await simulator.control.mine(2);
    await pollUntilCaughtUp(watcher);
    // Core puts the disconnected blocks' transactions back in the mempool; the new branch mines them.
    await simulator.control.reorg({ depth: 2, blocks: 3 });
    await pollUntilCaughtUp(watcher);
    await simulator.control.mine(4);
    await pollUntilCaughtUp(watcher);
    const events = await outboxEvents(database.knex);
    expect(events.map((event) => event.topic)).to.not.include(TOPICS.depositReversed);
    expect(events.filter((event) => event.topic === TOPICS.depositDetected)).to.have.length(1);
    const confirmed = events.filter((event) => event.topic === TOPICS.depositConfirmed);
    expect(confirmed).to.have.length(1);
    const onChain = await simulator.control.rpc<{ blockhash: string }>('getrawtransaction', [txid, true]);
    expect(confirmed[0]!.payload.blockHash).to.equal(onChain.blockhash);
  });

  it('reverses a mempool deposit dropped for good after DEPOSIT_MEMPOOL_DROP_POLLS polls', async () => {
    const { txid } = await simulator.control.fund([{ address: user.address, amount: '3' }]);
    await pollUntilCaughtUp(watcher);
    await simulator.control.dropMempool(txid);
    await watcher.follower.pollOnce();
    await watcher.follower.pollOnce();
    expect(await topics()).to.deep.equal([TOPICS.depositDetected]);
    await watcher.follower.pollOnce();
    const events = await outboxEvents(database.knex);
    expect(events.map((event) => event.topic)).to.deep.equal([
      TOPICS.depositDetected,
      TOPICS.depositReversed,
    ]);
    expect(events[1]!.payload).to.include({ wasConfirmed: false, reason: 'DEPOSIT_DROPPED_FROM_MEMPOOL' });
  });

  it('raises the alert for a reorg deeper than the confirmation depth that takes a confirmed deposit', async () => {
    await simulator.control.fund([{ address: user.address, amount: '5' }]);
    await simulator.control.mine(7);
    await pollUntilCaughtUp(watcher);
    expect(await topics()).to.include(TOPICS.depositConfirmed);
    await simulator.control.reorg({ depth: 7, blocks: 8, dropReturned: true });
    for (let poll = 0; poll < 4; poll += 1) await watcher.follower.pollOnce();

    const alerts = await outboxEvents(database.knex, TOPICS.depositReorgDetected);
    expect(alerts.map((alert) => alert.payload)).to.have.length(1);
    expect(alerts[0]!.payload).to.include({
      depth: 7,
      exceedsConfirmationDepth: true,
      affectedConfirmedDeposits: 1,
    });
    const reversed = (await outboxEvents(database.knex)).filter(
      (event) => event.topic === TOPICS.depositReversed,
    );
    expect(reversed.map((event) => event.payload)).to.have.length(1);
    expect(reversed[0]!.payload).to.include({ wasConfirmed: true, reason: 'DEPOSIT_LEFT_CHAIN' });
    const metrics = await watcher.registry.getSingleMetricAsString('dbay_deposit_watcher_deep_reorgs_total');
    expect(metrics).to.match(/dbay_deposit_watcher_deep_reorgs_total 1/);
    expect(watcher.logs.some((line) => line.level === 50 && String(line.msg).startsWith('ALERT'))).to.equal(
      true,
    );
  });
});
