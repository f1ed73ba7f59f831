// Proves hot and cold custody on the real stack (wallet, watcher, signer, saga, reconciler, simulator):
// with a ceiling set just above what the hot wallet holds, a user's deposit pushes it over and the saga
// sweeps exactly the excess to a fresh receive address of the cold account, which the test derives
// itself from the cold xpub (the signer refuses any other address: its unit and Kafka tests); the
// sweep is signed as a SWEEP, confirms, its cold output is recorded, the wallet books it from hot
// (CHAIN_CLEARING) to cold (COLD_STORAGE) with its miner fee from NETWORK_FEES, it is listed among the platform's coins
// of a proof-of-reserves snapshot, and the reconciler is clean counting hot + cold (after a withdrawal
// whose flat fee pays for the sweep's miner fee, as the platform's earnings do). Below the floor, a
// hot-wallet.refill-needed alert asks for a refill with the amount and a fresh refill address; the
// transfer there is taken into the hot wallet once an operator declares it, confirmed, by name, and
// the wallet books it from cold to hot once. The saga is restarted with the
// stack's own settings afterwards.
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

  before(async () => {
    bus = new Bus();
    await bus.collect([TOPICS.hotWalletRefillNeeded]);
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
      /dbay_withdrawal_saga_hot_wallet_below_floor\{[^}]*\} 1/.test(
        await (await fetch(stackEndpoints().services['withdrawal-saga'].metricsUrl)).text(),
      );
    expect(await belowFloor()).to.equal(true);

    // A person sends the amount from cold to the address the alert names (the faucet stands in for the
    // offline cold wallet), then declares it by name; before it is confirmed the saga refuses it.
    const refillAddress = String(alert.event.payload.refillAddress);
    expect(alert.event.payload.refillDerivationPath).to.match(/^m\/44'\/3'\/0'\/1\/\d+$/);
    const control = chainControl();
    const coldBefore = (await platformAccounts()).COLD_STORAGE!;
    const sent = await control.fund([{ address: refillAddress, amount: formatDoge(60n * DOGE) }]);
    const vout = Transaction.fromHex(sent.hex).outs.findIndex((out) =>
      Buffer.from(out.script).equals(Buffer.from(outputScriptForAddress(refillAddress, regtest))),
    );
    const early = await sagaApi<{ error: { code: string } }>('POST', '/internal/hot-wallet/refills', {
      txid: sent.txid,
      vout,
      note: 'refill from cold, incident 42',
    });
    expect([early.status, early.body.error.code]).to.deep.equal([409, 'HOT_WALLET_REFILL_UNCONFIRMED']);
    await control.mine(6);
    const operator = 'alice.ops';
    const declared = await sagaApi<{ refill: Record<string, unknown> }>(
      'POST',
      '/internal/hot-wallet/refills',
      { txid: sent.txid, vout, note: 'refill from cold, incident 42' },
      await operatorToken(undefined, operator),
    );
    expect(declared.status).to.equal(201);
    expect(declared.body.refill).to.include({
      txid: sent.txid,
      vout,
      amountKoinu: (60n * DOGE).toString(),
      address: refillAddress,
      declaredBy: operator,
      note: 'refill from cold, incident 42',
    });
    expect(
      await db('withdrawal_saga.coins')
        .where({ txid: sent.txid, vout })
        .first<{ source: string; status: string; amount_koinu: string }>(),
    ).to.include({ source: 'REFILL', status: 'AVAILABLE', amount_koinu: (60n * DOGE).toString() });
    // Declared once: the same output again answers the same refill; another output of that transaction
    // (the faucet's change) pays no refill address.
    const again = await sagaApi<{ refill: Record<string, unknown> }>('POST', '/internal/hot-wallet/refills', {
      txid: sent.txid,
      vout,
    });
    expect([again.status, again.body.refill.declaredBy]).to.deep.equal([200, operator]);
    const notOurs = await sagaApi<{ error: { code: string } }>('POST', '/internal/hot-wallet/refills', {
      txid: sent.txid,
      vout: vout === 0 ? 1 : 0,
    });
    expect([notOurs.status, notOurs.body.error.code]).to.deep.equal([422, 'HOT_WALLET_REFILL_NOT_OURS']);
    const bad = await sagaApi<{ error: { code: string } }>('POST', '/internal/hot-wallet/refills', {
      txid: 'not-a-txid',
      vout: -1,
    });
    expect([bad.status, bad.body.error.code]).to.deep.equal([400, 'REQUEST_INVALID']);
    // Back above the floor: the alarm clears.
    await waitUntil('the floor alarm cleared', async () => !(await belowFloor()), 30_000);

    // The wallet books it from cold to hot once (hot-wallet.refilled, keyed by the output), although the
    // operator declared it twice; and the books reconcile, sweeps and refills matched to the saga's.
    const reference = `${sent.txid}:${vout}`;
    const booked = await waitUntil(
      'the refill booked by the wallet',
      async () => {
        const entries = await bookedUnder(reference);
        return entries.length > 0 ? entries : undefined;
      },
      30_000,
    );
    expect(booked).to.deep.equal([
      ['COLD_STORAGE', 'REFILL', 60n * DOGE],
      ['CHAIN_CLEARING', 'REFILL', -60n * DOGE],
    ]);
    expect((await platformAccounts()).COLD_STORAGE! - coldBefore).to.equal(60n * DOGE);
    const { stdout } = await run('npm', ['run', '-s', 'reconcile'], { cwd: REPO_ROOT, timeout: 120_000 });
    const report = JSON.parse(stdout) as { clean: boolean; findings: unknown[] };
    expect(report.findings).to.deep.equal([]);
  });
});
