// Proves the deposit flow end to end on the running stack (wallet, deposit watcher, Kafka, registry,
// Postgres, simulator, each a process): a user gets an address from the wallet, the faucet pays it,
// nothing is credited at 5 confirmations, the 6th credits it exactly once with a DEPOSIT ledger
// entry; two deposits in one transaction to two users and two to one user are each credited once;
// a payment to an unknown address produces nothing; replaying every deposit.* topic with kcat
// changes no balance; a 2-block reorg that removes an unconfirmed deposit reverses it and the user
// never has it; the watcher process killed with SIGKILL in the middle of a scan and started again
// credits exactly once; and the node refusing connections for a while opens the watcher's breaker,
// which recovers by itself with no deposit missed; malformed node answers are logged and retried by
// the same process (no crash loop) and the block they hid is still scanned and credited.
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { kcatDump, kcatProduce, killService, servicePid, startService, waitFor } from '@dbay/testing';
import { newRegtestAddress } from '../services/deposit-watcher/test/support/addresses.js';
import {
  balanceOf,
  chainControl,
  DEPOSIT_TOPICS,
  DepositEventCollector,
  depositsOf,
  ledgerOf,
  newWalletUser,
  watcherCaughtUp,
  watcherCounter,
  watcherLogSince,
  watcherLogSize,
  watcherMetric,
  type WalletUser,
} from './deposit-support.js';
import { TOPICS } from '@dbay/contracts';

describe('deposits end to end (stack)', function () {
  this.timeout(180_000);
  const control = chainControl();
  const collector = new DepositEventCollector();

  before(async () => {
    await collector.start();
    await watcherCaughtUp(control);
  });
  after(async () => {
    await collector.stop();
  });

  async function addressWatched(user: WalletUser): Promise<void> {
    // The wallet emitted deposit-address.assigned; the watcher picks it up through Kafka. A payment
    // before that would still be found (late addresses are backfilled), but waiting keeps the
    // confirmation counts below exact.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(user.address).to.match(/^[mn]/);
  }

  it('credits nothing at 5 confirmations and exactly once at 6, with a DEPOSIT ledger entry', async () => {
    const user = await newWalletUser();
    await addressWatched(user);
    const { txid } = await control.fund([{ address: user.address, amount: '250.12345678' }]);
    await waitFor(() => collector.of(user.userId, TOPICS.depositDetected).length > 0, {
      timeoutMs: 30_000,
      description: TOPICS.depositDetected,
    });
    expect(collector.of(user.userId, TOPICS.depositDetected)[0]!.event.payload).to.include({
      txid,
      confirmations: 0,
      amountKoinu: '25012345678',
    });

    await control.mine(5);
    await watcherCaughtUp(control);
    await waitFor(
      () =>
        collector
          .of(user.userId, TOPICS.depositConfirmationsChanged)
          .some((e) => e.event.payload.confirmations === 5),
      {
        timeoutMs: 30_000,
        description: '5 confirmations',
      },
    );
    // The wallet shows the incoming deposit at 5 confirmations (its consumer may lag the watcher a little).
    await waitFor(
      async () => (await depositsOf(user.userId)).map((deposit) => deposit.confirmations).join() === '5',
      {
        timeoutMs: 15_000,
        description: 'the wallet to show 5 confirmations',
      },
    );
    expect((await depositsOf(user.userId)).map((deposit) => deposit.status)).to.deep.equal(['INCOMING']);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(collector.of(user.userId, TOPICS.depositConfirmed)).to.have.length(0);
    expect((await balanceOf(user.userId)).available).to.equal('0.00000000');

    await control.mine(1);
    await waitFor(async () => (await balanceOf(user.userId)).available === '250.12345678', {
      timeoutMs: 30_000,
      description: 'the credit',
    });
    await control.mine(3);
    await watcherCaughtUp(control);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(collector.of(user.userId, TOPICS.depositConfirmed)).to.have.length(1);
    expect((await balanceOf(user.userId)).available).to.equal('250.12345678');
    const deposits = (await ledgerOf(user.userId)).filter((entry) => entry.entryType === 'DEPOSIT');
    expect(deposits).to.have.length(1);
    expect(deposits[0]).to.include({ credit: '250.12345678' });
  });

  it('credits two outputs of one transaction to two users, and two outputs to one user, each once; ignores strangers', async () => {
    const alice = await newWalletUser();
    const bob = await newWalletUser();
    await addressWatched(bob);
    const stranger = newRegtestAddress();
    await control.fund([
      { address: alice.address, amount: '1.1' },
      { address: bob.address, amount: '2.2' },
      { address: stranger.address, amount: '3.3' },
    ]);
    await control.fund([
      { address: bob.address, amount: '0.5' },
      { address: bob.address, amount: '0.25' },
    ]);
    await control.mine(6);
    await waitFor(async () => (await balanceOf(bob.userId)).available === '2.95000000', {
      timeoutMs: 40_000,
      description: "bob's credits",
    });
    await waitFor(async () => (await balanceOf(alice.userId)).available === '1.10000000', {
      timeoutMs: 40_000,
      description: "alice's credit",
    });
    await control.mine(2);
    await watcherCaughtUp(control);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(collector.of(bob.userId, TOPICS.depositConfirmed)).to.have.length(3);
    expect(collector.of(alice.userId, TOPICS.depositConfirmed)).to.have.length(1);
    expect((await ledgerOf(bob.userId)).filter((entry) => entry.entryType === 'DEPOSIT')).to.have.length(3);
    const strangerEvents = collector.events.filter((item) => item.event.payload.address === stranger.address);
    expect(strangerEvents).to.deep.equal([]);
  });

  it('changes no balance when every deposit.* topic is replayed with kcat', async () => {
    const user = await newWalletUser();
    await addressWatched(user);
    await control.fund([{ address: user.address, amount: '77' }]);
    await control.mine(6);
    await waitFor(async () => (await balanceOf(user.userId)).available === '77.00000000', {
      timeoutMs: 40_000,
      description: 'the credit',
    });
    const before = await balanceOf(user.userId);
    const ledgerBefore = await ledgerOf(user.userId);

    const count = (): number =>
      DEPOSIT_TOPICS.reduce((n, topic) => n + collector.of(user.userId, topic).length, 0);
    const original = collector.events.filter((item) => item.key === user.userId);
    const dir = await mkdtemp(path.join(tmpdir(), 'deposit-replay-'));
    try {
      for (const item of original) {
        const file = path.join(dir, `${item.topic}-${item.partition}-${item.offset}.dump`);
        await kcatDump(
          { topic: item.topic, partition: item.partition, fromOffset: Number(item.offset), count: 1 },
          file,
        );
        await kcatProduce(item.topic, file, item.partition);
      }
      await waitFor(() => count() >= original.length * 2, {
        timeoutMs: 30_000,
        description: 'the replayed events on the topics',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(original.map((item) => item.topic)).to.include(TOPICS.depositConfirmed);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await balanceOf(user.userId)).to.deep.equal(before);
    expect(await ledgerOf(user.userId)).to.deep.equal(ledgerBefore);
  });
  /** Distinct event ids: the outbox relay may publish an event twice, a second decision would have a new id. */
  const distinctEvents = (userId: string, topic: string): number =>
    new Set(collector.of(userId, topic).map((item) => item.event.envelope.eventId)).size;

  it('reverses an unconfirmed deposit that a 2-block reorg removed: shown incoming, then not, never credited', async () => {
    const user = await newWalletUser();
    await addressWatched(user);
    const { txid } = await control.fund([{ address: user.address, amount: '42' }]);
    await control.mine(2);
    await waitFor(
      async () =>
        (await depositsOf(user.userId)).some(
          (d) => d.txid === txid && d.status === 'INCOMING' && d.confirmations === 2,
        ),
      {
        timeoutMs: 15_000,
        description: 'the deposit shown incoming with 2 confirmations',
      },
    );

    const reorg = await control.reorg({ depth: 2, blocks: 3, drop: [txid] });
    expect(reorg.dropped).to.include(txid);
    await waitFor(() => collector.of(user.userId, TOPICS.depositReversed).length > 0, {
      timeoutMs: 15_000,
      description: TOPICS.depositReversed,
    });
    expect(collector.of(user.userId, TOPICS.depositReversed)[0]!.event.payload).to.include({
      txid,
      wasConfirmed: false,
      amountKoinu: '4200000000',
    });
    await waitFor(async () => (await depositsOf(user.userId)).every((d) => d.status === 'REVERSED'), {
      timeoutMs: 15_000,
      description: 'the wallet to drop the incoming deposit',
    });

    // The chain moves on past the confirmation depth: nothing confirms, nothing is credited.
    await control.mine(6);
    await watcherCaughtUp(control);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(collector.of(user.userId, TOPICS.depositConfirmed)).to.deep.equal([]);
    expect(await balanceOf(user.userId)).to.include({
      available: '0.00000000',
      locked: '0.00000000',
      pending: '0.00000000',
    });
    expect((await ledgerOf(user.userId)).filter((entry) => entry.entryType === 'DEPOSIT')).to.deep.equal([]);
  });

  it('credits exactly once when the watcher is killed (SIGKILL) in the middle of a scan and started again', async () => {
    const user = await newWalletUser();
    await addressWatched(user);
    await watcherCaughtUp(control);
    const { txid } = await control.fund([{ address: user.address, amount: '31.5' }]);
    const startHeight = (await control.status()).height;
    // Sixty blocks take the watcher a few seconds to scan; the 6th of them confirms the deposit.
    await control.mine(60);
    const tip = startHeight + 60;
    let scannedAtKill = -1;
    await waitFor(
      async () => {
        scannedAtKill = (await watcherMetric('dbay_deposit_watcher_scanned_height')) ?? -1;
        return scannedAtKill > startHeight;
      },
      { timeoutMs: 15_000, intervalMs: 20, description: 'the watcher to start scanning the new blocks' },
    );
    const exitCode = await killService('deposit-watcher', 'SIGKILL');
    try {
      expect(exitCode).to.equal(137);
      expect(scannedAtKill, 'killed before the scan finished').to.be.below(tip);
      await control.mine(1);
    } finally {
      if (servicePid('deposit-watcher') === undefined) await startService('deposit-watcher');
    }

    await waitFor(async () => (await balanceOf(user.userId)).available === '31.50000000', {
      timeoutMs: 30_000,
      description: 'the credit',
    });
    await watcherCaughtUp(control);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await balanceOf(user.userId)).to.include({ available: '31.50000000' });
    expect((await ledgerOf(user.userId)).filter((entry) => entry.entryType === 'DEPOSIT')).to.have.length(1);
    expect(distinctEvents(user.userId, TOPICS.depositDetected)).to.equal(1);
    expect(distinctEvents(user.userId, TOPICS.depositConfirmed)).to.equal(1);
    expect(collector.of(user.userId, TOPICS.depositConfirmed)[0]!.event.payload).to.include({
      txid,
      amountKoinu: '3150000000',
    });
  });

  it('opens the breaker while the node refuses connections and recovers by itself, missing no deposit', async () => {
    const user = await newWalletUser();
    await addressWatched(user);
    const mined = await control.fund([{ address: user.address, amount: '5' }]);
    await control.mine(1);
    await watcherCaughtUp(control);
    // A second payment still in the mempool when the node goes away.
    const pending = await control.fund([{ address: user.address, amount: '6' }]);
    // Down for longer than the breaker's 5 s window (DOGECOIN_RPC_BREAKER_WINDOW_MS on the stack): the
    // successes of a catch-up just before (a restarted watcher's, say) age out of it while the failures
    // pile up, so the error rate passes 50 % however busy the node was a moment ago.
    await control.fault('down', 8_000);
    await waitFor(async () => (await watcherMetric('dbay_deposit_watcher_rpc_breaker_state')) === 2, {
      timeoutMs: 8_000,
      intervalMs: 100,
      description: 'the breaker to open',
    });
    // The port comes back by itself after the fault; the watcher needs no help to close the breaker.
    await waitFor(async () => (await watcherMetric('dbay_deposit_watcher_rpc_breaker_state')) === 0, {
      timeoutMs: 15_000,
      intervalMs: 100,
      description: 'the breaker to close again',
    });
    await control.mine(6);
    await waitFor(async () => (await balanceOf(user.userId)).available === '11.00000000', {
      timeoutMs: 20_000,
      description: 'both credits',
    });
    const confirmed = collector
      .of(user.userId, TOPICS.depositConfirmed)
      .map((item) => item.event.payload.txid);
    expect(confirmed).to.have.members([mined.txid, pending.txid]);
    expect((await ledgerOf(user.userId)).filter((entry) => entry.entryType === 'DEPOSIT')).to.have.length(2);
  });
  it('logs malformed node answers and retries in the same process: no crash loop, no block skipped', async () => {
    const user = await newWalletUser();
    await addressWatched(user);
    await watcherCaughtUp(control);
    const pid = servicePid('deposit-watcher');
    expect(pid).to.be.a('number');
    const logFrom = await watcherLogSize();
    const malformed = (): Promise<number> =>
      watcherCounter('dbay_deposit_watcher_poll_failures_total', 'kind="node-malformed"');
    const malformedBefore = await malformed();

    // For 3 s every RPC answer is truncated JSON with HTTP 200; meanwhile a block pays the user.
    await control.fault('garbage', 3_000);
    const { txid } = await control.fund([{ address: user.address, amount: '13' }]);
    const [block] = await control.mine(1);
    await waitFor(async () => (await malformed()) >= malformedBefore + 1, {
      timeoutMs: 3_000,
      intervalMs: 100,
      description: 'a malformed answer to be counted',
    });
    const detected = (): number => collector.of(user.userId, TOPICS.depositDetected).length;
    expect(detected(), 'nothing decided from garbage').to.equal(0);

    // The fault ends by itself; the same process picks the block up (after its breaker closes).
    await waitFor(() => detected() > 0, { timeoutMs: 20_000, description: TOPICS.depositDetected });
    expect(collector.of(user.userId, TOPICS.depositDetected)[0]!.event.payload).to.include({
      txid,
      blockHash: block,
      amountKoinu: '1300000000',
    });
    expect(servicePid('deposit-watcher'), 'the same watcher process').to.equal(pid);
    let logs: Array<Record<string, unknown>> = [];
    await waitFor(
      async () => {
        logs = await watcherLogSince(logFrom);
        return logs.some((line) => line.msg === 'Polling the node works again');
      },
      { timeoutMs: 5_000, description: 'the recovery to be logged' },
    );
    const logged = logs.filter((line) =>
      String(line.msg).startsWith('Malformed answer from the Dogecoin node'),
    );
    expect(logged, 'each malformed answer logged').to.not.deep.equal([]);
    expect(logged[0]).to.include({ level: 'error', kind: 'node-malformed' });
    expect(logged[0]!.method).to.be.a('string');
    expect(logged[0]!.excerpt).to.be.a('string');

    await control.mine(5);
    await waitFor(async () => (await balanceOf(user.userId)).available === '13.00000000', {
      timeoutMs: 20_000,
      description: 'the credit',
    });
    expect(distinctEvents(user.userId, TOPICS.depositDetected)).to.equal(1);
    expect(distinctEvents(user.userId, TOPICS.depositConfirmed)).to.equal(1);
    expect((await ledgerOf(user.userId)).filter((entry) => entry.entryType === 'DEPOSIT')).to.have.length(1);
  });
});
