/**
 * `npm run bench:withdrawals`: the real withdrawal saga and signer, on a database and broker of their own
 * (e2e/saga-sandbox.ts), against the local stack's regtest simulator, Postgres and schema registry.
 *
 * 1. Latency: the saga is restarted without holds (no destination cool-down, no batching window);
 *    withdrawals are requested one at a time on withdrawal.requested and the time until their
 *    withdrawal.broadcast arrives is measured: fraud rules, coin selection, PSBT, the signer's
 *    round trip over Kafka, storing, sendrawtransaction, and both outboxes. Reports p50 / p99.
 * 2. Batching: the saga is restarted with a batching window; a burst of withdrawals is requested at
 *    once. Reports withdrawals per transaction and the real miner fee per withdrawal against the real
 *    fee per withdrawal of phase 1 (one transaction each).
 * The sandbox is removed at the end. Sizes: BENCH_LATENCY_COUNT (default
 * 50; the documented run used 200, so that p99 is not just the maximum), BENCH_BATCH_COUNT (default
 * 40), BENCH_BATCH_WINDOW_MS (default 3000).
 *
 * It stands in for the wallet by producing withdrawal.requested and for the deposit watcher by
 * producing deposit.confirmed for coins it funds itself, so it measures the saga and the signer alone.
 * That is why the saga and signer are its own: on the stack's, the wallet would never have known these
 * withdrawals (dead-lettering each withdrawal.confirmed, and the reconciler reporting them).
 */
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { deriveAddress, ECPair, outputScriptForAddress, p2pkhAddress, regtest } from '@dbay/dogecoin';
import { formatDoge } from '@dbay/money';
import { Transaction } from 'bitcoinjs-lib';
import { SagaSandbox } from '../../e2e/saga-sandbox.js';
import { accountXpub, Chain, waitUntil, type Bus } from '../../e2e/withdrawal-support.js';
import { TOPICS } from '@dbay/contracts';

const LATENCY_COUNT = Number(process.env.BENCH_LATENCY_COUNT ?? 50);
const BATCH_COUNT = Number(process.env.BENCH_BATCH_COUNT ?? 40);
const BATCH_WINDOW_MS = Number(process.env.BENCH_BATCH_WINDOW_MS ?? 3000);
const COIN_DOGE = '50';
const WITHDRAWAL_KOINU = 100_000_000n; // 1 DOGE
const BROADCAST_TIMEOUT_MS = 60_000;

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

/** Funds `count` hot-wallet coins in one faucet transaction and announces each as deposit.confirmed. */
async function fundCoins(chain: Chain, bus: Bus, count: number): Promise<void> {
  const xpub = accountXpub();
  const base = 2_000_000_000 + Math.floor(Math.random() * 100_000_000);
  const addresses = Array.from({ length: count }, (_, i) =>
    deriveAddress(xpub, 'receive', base + i, regtest),
  );
  const funded = await chain.control<{ txid: string; hex: string }>('fund', {
    outputs: addresses.map((a) => ({ address: a.address, amount: COIN_DOGE })),
  });
  const blocks = await chain.mine(6);
  const height = await chain.height();
  const tx = Transaction.fromHex(funded.hex);
  for (const derived of addresses) {
    const script = Buffer.from(outputScriptForAddress(derived.address, regtest)).toString('hex');
    const vout = tx.outs.findIndex((out) => Buffer.from(out.script).toString('hex') === script);
    if (vout < 0) throw new Error(`funding transaction does not pay ${derived.address}`);
    const userId = `bench-hot-wallet-${randomUUID()}`;
    await bus.produce(TOPICS.depositConfirmed, userId, {
      userId,
      address: derived.address,
      derivationPath: derived.path,
      txid: funded.txid,
      vout,
      amountKoinu: tx.outs[vout]!.value.toString(),
      blockHash: blocks.blockHashes[0]!,
      blockHeight: height - 5,
      confirmations: 6,
      rawTransactionHex: funded.hex,
    });
  }
}

function newDestination(): string {
  return p2pkhAddress(ECPair.makeRandom({ network: regtest }).publicKey, regtest);
}

async function request(bus: Bus): Promise<string> {
  const withdrawalId = randomUUID();
  await bus.produce(
    TOPICS.withdrawalRequested,
    withdrawalId,
    {
      withdrawalId,
      userId: randomUUID(),
      destinationAddress: newDestination(),
      amountKoinu: WITHDRAWAL_KOINU.toString(),
      networkFeeKoinu: '1000000',
      requestedAt: new Date().toISOString(),
    },
    withdrawalId,
  );
  return withdrawalId;
}

async function main(): Promise<void> {
  const startLoad = loadavg()
    .map((load) => load.toFixed(2))
    .join(' ');
  const chain = Chain.fromStack();
  console.log('starting a saga and a signer of its own (throwaway database and broker)');
  const sandbox = await SagaSandbox.start();
  const bus = sandbox.bus();
  const db = sandbox.db();
  try {
    await bus.collect([TOPICS.withdrawalBroadcast]);
    console.log(
      `restarting the saga without holds or batching window; funding ${LATENCY_COUNT + BATCH_COUNT} coins`,
    );
    await sandbox.startSaga({ FRAUD_NEW_DESTINATION_COOLDOWN_MS: '0', BATCH_WINDOW_MS: '0' });
    const availableBefore = Number(
      (
        await db('withdrawal_saga.coins').where({ status: 'AVAILABLE' }).count<{ c: string }[]>({ c: '*' })
      )[0]!.c,
    );
    await fundCoins(chain, bus, LATENCY_COUNT + BATCH_COUNT);
    await waitUntil('coins in the hot wallet', async () => {
      const rows = await db('withdrawal_saga.coins')
        .where({ status: 'AVAILABLE' })
        .count<{ c: string }[]>({ c: '*' });
      return Number(rows[0]!.c) >= availableBefore + LATENCY_COUNT + BATCH_COUNT;
    });

    // Phase 1: one at a time, request -> broadcast.
    const latenciesMs: number[] = [];
    const singleTxids: string[] = [];
    for (let i = 0; i < LATENCY_COUNT; i++) {
      const started = performance.now();
      const withdrawalId = await request(bus);
      const broadcast = await bus.waitForEvent(
        TOPICS.withdrawalBroadcast,
        withdrawalId,
        BROADCAST_TIMEOUT_MS,
      );
      latenciesMs.push(performance.now() - started);
      singleTxids.push(String(broadcast.event.payload.txid));
      if (i % 10 === 9) await chain.mine(1);
    }
    latenciesMs.sort((a, b) => a - b);

    // Phase 2: a burst inside one batching window.
    console.log(`restarting the saga with a ${BATCH_WINDOW_MS} ms batching window`);
    await sandbox.startSaga({
      FRAUD_NEW_DESTINATION_COOLDOWN_MS: '0',
      BATCH_WINDOW_MS: String(BATCH_WINDOW_MS),
    });
    const burst = await Promise.all(Array.from({ length: BATCH_COUNT }, () => request(bus)));
    const batchTxids = await Promise.all(
      burst.map(async (id) =>
        String(
          (await bus.waitForEvent(TOPICS.withdrawalBroadcast, id, BROADCAST_TIMEOUT_MS)).event.payload.txid,
        ),
      ),
    );
    await chain.mine(1);

    const feesOf = async (txids: string[]) => {
      const rows = await db('withdrawal_saga.batches')
        .whereIn('txid', [...new Set(txids)])
        .select<{ fee_koinu: string; signed_size_bytes: number }[]>('fee_koinu', 'signed_size_bytes');
      return {
        fee: rows.reduce((sum, row) => sum + BigInt(row.fee_koinu), 0n),
        bytes: rows.reduce((sum, row) => sum + row.signed_size_bytes, 0),
        txs: rows.length,
      };
    };
    const single = await feesOf(singleTxids);
    const batched = await feesOf(batchTxids);
    const singlePerWithdrawal = single.fee / BigInt(LATENCY_COUNT);
    const batchedPerWithdrawal = batched.fee / BigInt(BATCH_COUNT);
    const saved = singlePerWithdrawal * BigInt(BATCH_COUNT) - batched.fee;

    console.log('\nwithdrawal saga benchmark (local stack, regtest simulator, real signer)');
    console.log(
      `${new Date().toISOString()}, ${cpus().length} CPUs, load average ${loadavg()
        .map((load) => load.toFixed(2))
        .join(' ')} (1/5/15 min, at the end), at the start ${startLoad}`,
    );
    console.log(`latency request -> broadcast, no holds, ${LATENCY_COUNT} withdrawals one at a time:`);
    console.log(
      `  p50 ${percentile(latenciesMs, 50).toFixed(0)} ms   p99 ${percentile(latenciesMs, 99).toFixed(0)} ms   max ${latenciesMs.at(-1)!.toFixed(0)} ms`,
    );
    console.log(
      `one transaction per withdrawal: ${single.txs} txs, ${single.bytes} bytes, fee ${formatDoge(single.fee)} DOGE, ${formatDoge(singlePerWithdrawal)} DOGE per withdrawal`,
    );
    console.log(
      `batched (${BATCH_WINDOW_MS} ms window, burst of ${BATCH_COUNT}): ${batched.txs} txs, ${(BATCH_COUNT / batched.txs).toFixed(1)} withdrawals per tx, ` +
        `${batched.bytes} bytes, fee ${formatDoge(batched.fee)} DOGE, ${formatDoge(batchedPerWithdrawal)} DOGE per withdrawal`,
    );
    console.log(
      `fee saved by batching: ${formatDoge(saved)} DOGE for ${BATCH_COUNT} withdrawals (${((Number(saved) / Number(singlePerWithdrawal * BigInt(BATCH_COUNT))) * 100).toFixed(1)}%)`,
    );
  } finally {
    // Each step on its own, so that a failing one does not leave the saga, signer, broker and database.
    await bus.close().catch((error: unknown) => console.error(error));
    await db.destroy().catch((error: unknown) => console.error(error));
    await sandbox.stop();
  }
}

await main();
