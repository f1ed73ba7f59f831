// Proves hot and cold custody on the real stack (wallet, watcher, signer, saga, reconciler, simulator):
// with a ceiling set just above what the hot wallet holds, a user's deposit pushes it over and the saga
// sweeps exactly the excess to a fresh receive address of the cold account, which the test derives
// itself from the cold xpub (the signer refuses any other address: its unit and Kafka tests); the
// sweep is signed as a SWEEP, confirms, its cold output is recorded, the wallet books it from hot
// (CHAIN_CLEARING) to cold (COLD_STORAGE) with its miner fee from NETWORK_FEES, it is listed among the platform's coins
// of a proof-of-reserves snapshot, and the reconciler is clean counting hot + cold (after a withdrawal
// whose flat fee pays for the sweep's miner fee, as the platform's earnings do). Below the floor, a
// hot-wallet.refill-needed alert asks for a refill with the amount and a fresh refill address, which
// the deposit watcher then watches for the hot wallet: a confirmed transfer there is taken in by itself
// (seen by the watcher), another is declared by an operator by name while the watcher is down, each
// is taken in and booked from cold to hot once, and the user-facing wallet never sees either. A third
// transfer the saga cannot take in yet when the watcher reports it (the saga wants more confirmations)
// is kept as a pending report, listed to operators and counted by a gauge, checked again, and taken in
// once deep enough. The saga is restarted with the stack's own settings afterwards.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { Transaction } from 'bitcoinjs-lib';
import {
  deriveAddress,
  ECPair,
  outputScriptForAddress,
  p2pkhAddress,
  parseAccountXpub,
  regtest,
} from '@dbay/dogecoin';
import { TOPICS } from '@dbay/contracts';
import { formatDoge } from '@dbay/money';
import { REPO_ROOT, stackEndpoints, waitFor } from '@dbay/testing';
import {
  balanceOf,
  chainControl,
  newWalletUser,
  requestWithdrawal,
  withdrawalOf,
} from './deposit-support.js';
import { reservesCall, takeSnapshot, type LatestSnapshot } from './reserves-support.js';
import { Bus, operatorToken, sagaApi, sagaDb, stackScript, waitUntil } from './withdrawal-support.js';

const run = promisify(execFile);
const DOGE = 100_000_000n;

interface SweepRow {
  batch_id: string;
  status: string;
  txid: string | null;
  outputs: { scriptHex: string; amountKoinu: string; coldIndex?: number; coldAddress?: string }[];
}

describe('hot and cold custody (wallet, watcher, signer, saga, reconciler, simulator)', function () {
  this.timeout(300_000);
  const db = sagaDb();
  let bus: Bus;
  /** The refill address the floor's alert issued (the second test), which the watcher watches. */
  let issuedRefillAddress: string | undefined;

  before(async () => {
    bus = new Bus();
    await bus.collect([TOPICS.hotWalletRefillNeeded, TOPICS.hotWalletRefillReceived]);
  });

  after(async () => {
    // Back to the stack's own settings: no ceiling, no floor.
    await stackScript(['restart-service', 'withdrawal-saga']);
    await bus?.close();
    await db.destroy();
  });

  /** Hot coins spendable once confirmed, and what withdrawals not yet in a transaction need, as the saga counts them. */
  async function hotWallet(
    statuses = ['AVAILABLE', 'UNCONFIRMED_CHANGE'],
  ): Promise<{ availableKoinu: bigint; owedKoinu: bigint }> {
    // Unconfirmed change counts too: the blocks this test mines make it spendable.
    const coins = await db('withdrawal_saga.coins')
      .whereIn('status', statuses)
      .first<{ total: string | null }>(db.raw('sum(amount_koinu)::text as total'));
    const owed = await db('withdrawal_saga.withdrawals')
      .whereIn('status', ['HELD', 'COOLING_DOWN', 'APPROVED', 'WAITING_FOR_FUNDS'])
      .first<{ total: string | null }>(db.raw('sum(amount_koinu)::text as total'));
    return { availableKoinu: BigInt(coins.total ?? '0'), owedKoinu: BigInt(owed.total ?? '0') };
  }

  /** The wallet's platform accounts, koinu. */
  async function platformAccounts(): Promise<Record<string, bigint>> {
    const rows = await db('wallet.platform_accounts').select<{ code: string; koinu: string }[]>(
      'code',
      db.raw('(balance * 100000000)::bigint::text as koinu'),
    );
    return Object.fromEntries(rows.map((row) => [row.code, BigInt(row.koinu)]));
  }

  /** The wallet's ledger entries of one reference, as [account, entry type, signed koinu]. */
  async function bookedUnder(reference: string): Promise<[string, string, bigint][]> {
    const rows = await db('wallet.ledger_entries')
      .where({ reference_type: 'tx', reference_id: reference })
      .orderBy('seq')
      .select<{ platform_account: string; entry_type: string; koinu: string }[]>(
        'platform_account',
        'entry_type',
        db.raw('((credit - debit) * 100000000)::bigint::text as koinu'),
      );
    return rows.map((row) => [row.platform_account, row.entry_type, BigInt(row.koinu)]);
  }

  /** The output of a transaction (raw hex) that pays `address`. */
  const voutPaying = (hex: string, address: string) =>
    Transaction.fromHex(hex).outs.findIndex((out) =>
      Buffer.from(out.script).equals(Buffer.from(outputScriptForAddress(address, regtest))),
    );

  /** Waits for the wallet's booking of one refill and checks it: cold to hot, the amount, once. */
  async function expectRefillBooked(txid: string, vout: number, amount: bigint): Promise<void> {
    const reference = `${txid}:${vout}`;
    const booked = await waitUntil(
      `the refill ${reference} booked by the wallet`,
      async () => {
        const entries = await bookedUnder(reference);
        return entries.length > 0 ? entries : undefined;
      },
      30_000,
    );
    expect(booked).to.deep.equal([
      ['COLD_STORAGE', 'REFILL', amount],
      ['CHAIN_CLEARING', 'REFILL', -amount],
    ]);
  }

  /** The reconciler on the stack finds nothing. */
  async function expectReconciled(): Promise<void> {
    const { stdout } = await run('npm', ['run', '-s', 'reconcile'], { cwd: REPO_ROOT, timeout: 120_000 });
    expect((JSON.parse(stdout) as { findings: unknown[] }).findings).to.deep.equal([]);
  }

  /** The saga's record of a refill, if it took the output in. */
  const refillOf = (txid: string, vout: number) =>
    db('withdrawal_saga.refills').where({ txid, vout }).first<{ declared_by: string } | undefined>();

  /** The saga's metrics page. */
  const sagaMetrics = async () =>
    (await fetch(stackEndpoints().services['withdrawal-saga'].metricsUrl)).text();

  const sweeps = () =>
    db('withdrawal_saga.batches').where({ purpose: 'SWEEP' }).orderBy('created_at').select<SweepRow[]>('*');

  it('sweeps a deposit that pushed the hot wallet over its ceiling to the cold account, and counts it in the reserves', async () => {
    const before = await hotWallet();
    const sweepsBefore = (await sweeps()).length;
    const accountsBefore = await platformAccounts();
    // 20 DOGE of headroom: the 200 DOGE deposit leaves exactly 180 above the ceiling.
    const ceiling = before.availableKoinu - before.owedKoinu + 20n * DOGE;
    await stackScript(['restart-service', 'withdrawal-saga'], {
      HOT_WALLET_CEILING_KOINU: ceiling.toString(),
      HOT_WALLET_SWEEP_MIN_KOINU: (50n * DOGE).toString(),
      HOT_WALLET_FLOOR_KOINU: DOGE.toString(),
    });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await sweeps(), 'nothing to sweep below the ceiling').to.have.length(sweepsBefore);

    const user = await newWalletUser();
    const control = chainControl();
    await control.fund([{ address: user.address, amount: '200' }]);
    await control.mine(6);
    await waitFor(async () => (await balanceOf(user.userId)).available === '200.00000000', {
      timeoutMs: 90_000,
      description: 'the 200 DOGE deposit credited',
    });
    const sweep = await waitUntil(
      'the sweep broadcast',
      async () => {
        const all = await sweeps();
        const last = all[all.length - 1];
        return all.length > sweepsBefore && last?.status === 'BROADCAST' ? last : undefined;
      },
      60_000,
    );
    const coldOutput = sweep.outputs.find((output) => output.coldIndex !== undefined)!;
    expect(BigInt(coldOutput.amountKoinu)).to.equal(180n * DOGE);
    // The cold address is the cold account's receive address at that index: derived here, independently.
    const coldXpub = readFileSync(
      path.join(stackEndpoints().secretsDir, 'cold-account-xpub.txt'),
      'utf8',
    ).trim();
    const expected = deriveAddress(
      parseAccountXpub(coldXpub, regtest),
      'receive',
      coldOutput.coldIndex!,
      regtest,
    );
    expect(coldOutput.coldAddress).to.equal(expected.address);
    const onChain = Transaction.fromHex(await control.rpc<string>('getrawtransaction', [sweep.txid!, 0]));
    const coldVout = onChain.outs.findIndex(
      (out) =>
        Buffer.from(out.script).equals(Buffer.from(outputScriptForAddress(expected.address, regtest))) &&
        out.value === 180n * DOGE,
    );
    expect(coldVout, 'the sweep pays the cold address 180 DOGE').to.be.at.least(0);
    const signing = await db('signer.signings')
      .where({ txid: sweep.txid })
      .first<{ purpose: string; outflow_koinu: string; fee_koinu: string }>();
    expect(signing).to.include({ purpose: 'SWEEP' });
    expect(signing.outflow_koinu).to.equal(signing.fee_koinu);

    await control.mine(6);
    await waitUntil(
      'the sweep confirmed',
      async () =>
        (await db('withdrawal_saga.batches').where({ batch_id: sweep.batch_id }).first<{ status: string }>())
          .status === 'CONFIRMED',
      60_000,
    );
    const cold = await db('withdrawal_saga.cold_coins')
      .where({ batch_id: sweep.batch_id })
      .select<{ txid: string; vout: number; amount_koinu: string; address: string }[]>('*');
    expect(cold).to.deep.equal([
      {
        ...cold[0]!,
        txid: sweep.txid,
        vout: coldVout,
        amount_koinu: (180n * DOGE).toString(),
        address: expected.address,
      },
    ]);

    // The wallet books the move from hot to cold once (hot-wallet.swept), and the sweep's miner fee as
    // the platform's expense; no user's balance moves.
    const minerFee = BigInt(
      (await db('withdrawal_saga.batches').where({ batch_id: sweep.batch_id }).first<{ fee_koinu: string }>())
        .fee_koinu,
    );
    expect(minerFee > 0n).to.equal(true);
    const booked = await waitUntil(
      'the sweep booked by the wallet',
      async () => {
        const entries = await bookedUnder(sweep.txid!);
        return entries.length > 0 ? entries : undefined;
      },
      30_000,
    );
    expect(booked).to.deep.equal([
      ['CHAIN_CLEARING', 'SWEEP', 180n * DOGE],
      ['COLD_STORAGE', 'SWEEP', -180n * DOGE],
      ['NETWORK_FEES', 'MINER_FEE', -minerFee],
      ['CHAIN_CLEARING', 'MINER_FEE', minerFee],
    ]);
    const accountsAfterSweep = await platformAccounts();
    expect(accountsAfterSweep.COLD_STORAGE! - accountsBefore.COLD_STORAGE!).to.equal(-180n * DOGE);
    expect(await balanceOf(user.userId)).to.include({ available: '200.00000000', locked: '0.00000000' });

    // The sweep's miner fee is the platform's expense: it is paid from what the platform earned, here
    // the flat network fee of a withdrawal (1 DOGE) over its miner fee. Without such earnings the chain
    // would fall short of the users' balances by the sweep's fee, and the reconciler would say so.
    const withdrawal = await requestWithdrawal(
      user.userId,
      p2pkhAddress(ECPair.makeRandom({ network: regtest }).publicKey, regtest),
      '10',
    );
    await waitUntil(
      'the withdrawal broadcast',
      async () =>
        (
          await db('withdrawal_saga.withdrawals')
            .where({ withdrawal_id: withdrawal.withdrawalId })
            .first<{ status: string } | undefined>()
        )?.status === 'BROADCAST',
      60_000,
    );
    await control.mine(6);
    await waitFor(
      async () => (await withdrawalOf(user.userId, withdrawal.withdrawalId)).status === 'FINALIZED',
      {
        timeoutMs: 60_000,
        description: 'the withdrawal finalized',
      },
    );

    // The snapshot lists the cold coin among the platform's coins, and the books are clean.
    const summary = await takeSnapshot();
    expect(summary.covered).to.equal(true);
    const latest = await reservesCall<LatestSnapshot>('/latest', user.userId);
    expect(latest.body.coins.find((coin) => coin.txid === sweep.txid && coin.vout === coldVout)).to.include({
      address: expected.address,
      amountKoinu: (180n * DOGE).toString(),
    });
    const { stdout } = await run('npm', ['run', '-s', 'reconcile'], { cwd: REPO_ROOT, timeout: 120_000 });
    const report = JSON.parse(stdout) as { clean: boolean; findings: unknown[] };
    expect(report.findings).to.deep.equal([]);
    expect(report.clean).to.equal(true);
  });

  it('asks for a refill from cold, with the amount, when the hot wallet falls below its floor', async () => {
    const now = await hotWallet(['AVAILABLE']);
    const spare = now.availableKoinu - now.owedKoinu;
    const floor = spare + 10n * DOGE;
    const ceiling = floor + 100n * DOGE;
    await stackScript(['restart-service', 'withdrawal-saga'], {
      HOT_WALLET_FLOOR_KOINU: floor.toString(),
      HOT_WALLET_CEILING_KOINU: ceiling.toString(),
    });
    const alert = await bus.waitForEventWith(
      TOPICS.hotWalletRefillNeeded,
      'regtest',
      'floorKoinu',
      floor.toString(),
    );
    // Back to the middle of floor and ceiling: 10 DOGE short of the floor plus half the 100 DOGE gap.
    expect(alert.event.payload).to.include({
      network: 'regtest',
      floorKoinu: floor.toString(),
      ceilingKoinu: ceiling.toString(),
      refillKoinu: (60n * DOGE).toString(),
    });
    expect(
      BigInt(String(alert.event.payload.availableKoinu)) - BigInt(String(alert.event.payload.owedKoinu)),
    ).to.equal(spare);
    const belowFloor = async () =>
      /dbay_withdrawal_saga_hot_wallet_below_floor\{[^}]*\} 1/.test(await sagaMetrics());
    expect(await belowFloor()).to.equal(true);

    // The watcher watches the address the alert names, for the platform's hot wallet, not for a user.
    const refillAddress = String(alert.event.payload.refillAddress);
    issuedRefillAddress = refillAddress;
    expect(alert.event.payload.refillDerivationPath).to.match(/^m\/44'\/3'\/0'\/1\/\d+$/);
    await waitUntil(
      'the refill address watched',
      async () =>
        (
          await db('deposit_watcher.watched_addresses')
            .where({ address: refillAddress })
            .first<{ user_id: string } | undefined>()
        )?.user_id === 'platform:hot-wallet',
      30_000,
    );
    const control = chainControl();
    const coldBefore = (await platformAccounts()).COLD_STORAGE!;

    // 1. A person sends the amount from cold (the faucet stands in for the offline cold wallet). Before
    // it is confirmed a declaration is refused; once confirmed the watcher sees it and the saga takes it
    // in by itself, recorded as seen by the watcher; the user-facing wallet never hears of it.
    const sent = await control.fund([{ address: refillAddress, amount: formatDoge(60n * DOGE) }]);
    const vout = voutPaying(sent.hex, refillAddress);
    const early = await sagaApi<{ error: { code: string } }>('POST', '/internal/hot-wallet/refills', {
      txid: sent.txid,
      vout,
      note: 'refill from cold, incident 42',
    });
    expect([early.status, early.body.error.code]).to.deep.equal([409, 'HOT_WALLET_REFILL_UNCONFIRMED']);
    await control.mine(6);
    const seen = await waitUntil('the refill taken in', () => refillOf(sent.txid, vout), 60_000);
    expect(seen.declared_by).to.equal('service:deposit-watcher');
    expect(
      await db('withdrawal_saga.coins')
        .where({ txid: sent.txid, vout })
        .first<{ source: string; status: string; amount_koinu: string }>(),
    ).to.include({ source: 'REFILL', status: 'AVAILABLE', amount_koinu: (60n * DOGE).toString() });
    expect(
      await db('deposit_watcher.deposits')
        .where({ txid: sent.txid, vout })
        .first<{ user_id: string; status: string }>(),
    ).to.include({ user_id: 'platform:hot-wallet', status: 'confirmed' });
    expect(await db('wallet.deposits').where({ txid: sent.txid })).to.deep.equal([]);
    // An operator declaring it afterwards gets the record that exists, once.
    const operator = 'alice.ops';
    const after = await sagaApi<{ refill: Record<string, unknown> }>(
      'POST',
      '/internal/hot-wallet/refills',
      { txid: sent.txid, vout, note: 'refill from cold, incident 42' },
      await operatorToken(undefined, operator),
    );
    expect([after.status, after.body.refill.declaredBy]).to.deep.equal([200, 'service:deposit-watcher']);
    // Back above the floor: the alarm clears.
    await waitUntil('the floor alarm cleared', async () => !(await belowFloor()), 30_000);

    // 2. With the watcher down, an operator declares a second transfer by name; when the watcher comes
    // back and reports it too, it is still taken in once, as the operator recorded it.
    await stackScript(['stop-service', 'deposit-watcher']);
    let declaredTxid: string;
    let declaredVout: number;
    try {
      const second = await control.fund([{ address: refillAddress, amount: formatDoge(5n * DOGE) }]);
      [declaredTxid, declaredVout] = [second.txid, voutPaying(second.hex, refillAddress)];
      await control.mine(6);
      const declared = await sagaApi<{ refill: Record<string, unknown> }>(
        'POST',
        '/internal/hot-wallet/refills',
        { txid: declaredTxid, vout: declaredVout, note: 'refill from cold, incident 43' },
        await operatorToken(undefined, operator),
      );
      expect(declared.status).to.equal(201);
      expect(declared.body.refill).to.include({
        txid: declaredTxid,
        vout: declaredVout,
        amountKoinu: (5n * DOGE).toString(),
        address: refillAddress,
        declaredBy: operator,
        note: 'refill from cold, incident 43',
      });
      const again = await sagaApi<{ refill: Record<string, unknown> }>(
        'POST',
        '/internal/hot-wallet/refills',
        {
          txid: declaredTxid,
          vout: declaredVout,
        },
      );
      expect([again.status, again.body.refill.declaredBy]).to.deep.equal([200, operator]);
      const notOurs = await sagaApi<{ error: { code: string } }>('POST', '/internal/hot-wallet/refills', {
        txid: declaredTxid,
        vout: declaredVout === 0 ? 1 : 0,
      });
      expect([notOurs.status, notOurs.body.error.code]).to.deep.equal([422, 'HOT_WALLET_REFILL_NOT_OURS']);
      const bad = await sagaApi<{ error: { code: string } }>('POST', '/internal/hot-wallet/refills', {
        txid: 'not-a-txid',
        vout: -1,
      });
      expect([bad.status, bad.body.error.code]).to.deep.equal([400, 'REQUEST_INVALID']);
    } finally {
      await stackScript(['start-service', 'deposit-watcher']);
    }
    await bus.waitForEvent(TOPICS.hotWalletRefillReceived, declaredTxid, 90_000);
    await bus.waitForGroupsCaughtUp({
      'withdrawal-saga': [{ topic: TOPICS.hotWalletRefillReceived }],
      wallet: [{ topic: TOPICS.hotWalletRefilled }],
    });
    expect((await refillOf(declaredTxid, declaredVout))?.declared_by).to.equal(operator);

    // The wallet books each transfer from cold to hot once, although each was reported twice; and the
    // books reconcile, sweeps and refills matched to the saga's.
    await expectRefillBooked(sent.txid, vout, 60n * DOGE);
    await expectRefillBooked(declaredTxid, declaredVout, 5n * DOGE);
    expect((await platformAccounts()).COLD_STORAGE! - coldBefore).to.equal(65n * DOGE);
    await expectReconciled();
  });

  it('keeps a reported refill the saga cannot take in yet, checks it again, and takes it in once it is deep enough', async () => {
    // The watcher reports at its DEPOSIT_CONFIRMATIONS (6 here); a saga that wants 9 refuses the report
    // at first. It must not be dropped: the coin would sit at the refill address unrecorded.
    expect(issuedRefillAddress, 'the refill address the previous test issued').to.be.a('string');
    const refillAddress = issuedRefillAddress!;
    await stackScript(['restart-service', 'withdrawal-saga'], { REQUIRED_CONFIRMATIONS: '9' });
    const control = chainControl();
    const sent = await control.fund([{ address: refillAddress, amount: formatDoge(7n * DOGE) }]);
    const vout = voutPaying(sent.hex, refillAddress);
    await control.mine(6);
    await bus.waitForEvent(TOPICS.hotWalletRefillReceived, sent.txid, 90_000);
    await bus.waitForGroupsCaughtUp({ 'withdrawal-saga': [{ topic: TOPICS.hotWalletRefillReceived }] });

    expect(await refillOf(sent.txid, vout)).to.equal(undefined);
    const pending = await sagaApi<{ reports: Record<string, unknown>[] }>(
      'GET',
      '/internal/hot-wallet/refill-reports',
    );
    expect(pending.status).to.equal(200);
    expect(pending.body.reports).to.have.length(1);
    expect(pending.body.reports[0]).to.include({
      txid: sent.txid,
      vout,
      reportedBy: 'service:deposit-watcher',
      code: 'HOT_WALLET_REFILL_UNCONFIRMED',
    });
    await waitUntil(
      'the pending report counted',
      async () => /dbay_withdrawal_saga_refill_reports_pending\{[^}]*\} 1\b/.test(await sagaMetrics()),
      30_000,
    );

    // Three blocks later the saga's own check passes: taken in as the watcher saw it, booked once.
    await control.mine(3);
    const taken = await waitUntil(
      'the refill taken in on a later check',
      () => refillOf(sent.txid, vout),
      90_000,
    );
    expect(taken.declared_by).to.equal('service:deposit-watcher');
    expect(
      await db('withdrawal_saga.coins')
        .where({ txid: sent.txid, vout })
        .first<{ source: string; status: string; amount_koinu: string }>(),
    ).to.include({ source: 'REFILL', amount_koinu: (7n * DOGE).toString() });
    const cleared = await sagaApi<{ reports: unknown[] }>('GET', '/internal/hot-wallet/refill-reports');
    expect(cleared.body.reports).to.deep.equal([]);
    await waitUntil(
      'the pending gauge back to 0',
      async () => /dbay_withdrawal_saga_refill_reports_pending\{[^}]*\} 0\b/.test(await sagaMetrics()),
      30_000,
    );
    await expectRefillBooked(sent.txid, vout, 7n * DOGE);
    await expectReconciled();
  });
});
