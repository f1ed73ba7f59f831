/**
 * `npm run bench:orders`: buy it now, from the buyer's request to its 201 PAID answer, through the real
 * order service and the real wallet over Kafka, beside the wallet's own pay-order path measured in the
 * same run against the same wallet and broker, so that the ratio shows what the order service adds.
 * Target (issue 13): order p99 under 500 ms on this 2-core machine. Prints numbers; asserts nothing.
 *
 * Setup: one throwaway database (dropped at the end) with the wallet and order schemas, each owned and
 * migrated by its service's own role with its own migrations; BENCH_BUYERS buyers funded with 1,000,000
 * DOGE each and BENCH_SELLERS sellers in the wallet (set-based SQL); a throwaway Kafka with the declared
 * topics; the real wallet and order processes on them, with key pairs made for the run (the order
 * service trusts the same user-token key as the wallet, and an operator key), and ORDER_PAYMENT_WAIT_MS
 * (BENCH_ORDER_PAYMENT_WAIT_MS, 10 s) so that every buy is answered 201 or 422, never 202.
 *
 * Listings are created through the order service's own API (POST /v1/listings by the sellers, 10 DOGE
 * each), never by SQL, so they are exactly what the service makes. Before each round's warm-up the
 * open listings are topped up to BENCH_LISTINGS (1,000) plus the warm-up's, so the measurement that
 * follows the warm-up at once starts with BENCH_LISTINGS open: that is the issue's "1,000 listings",
 * the listings open at a time (1,000 would last one measurement); every round sells its own batch.
 *
 * Order path: BENCH_BUYERS (200) concurrent closed-loop buyers, each taking the next unsold listing and
 * POSTing /v1/orders with its user token and a fresh Idempotency-Key. Latency is request to a 201 whose
 * order is PAID; anything else (422, 202, 5xx, a reset) is an error, counted by kind. A measurement is
 * BENCH_ORDERS_PER_ROUND orders (default BENCH_LISTINGS) after BENCH_WARMUP_ORDERS (2 per buyer);
 * orders/s is over the time from the first request to the last answer.
 *
 * Wallet path (the baseline): the bench plays the order service over the same broker against the same
 * wallet (bench/support/order-service-driver.ts), keeping BENCH_BUYERS pay-orders in flight (the same
 * buyers in turn, the same price and fee) from escrow.lock-requested to escrow.locked; the same counts.
 * The order service also consumes escrow.locked, and an answer about an order it never made is
 * dead-lettered, which would load it and queue in front of its own answers. So the order process is
 * stopped during the wallet path, and before it starts again its consumer group (now empty) is moved
 * past every unread message on the topics it consumes (kafkajs admin setOffsets, to each partition's
 * end): it never sees the baseline's answers. A second broker and wallet for the baseline would have
 * measured another wallet, and kept two more processes loading this two-core machine throughout.
 *
 * Rounds (BENCH_ROUNDS, 3) interleave the two paths, wallet then order, so that load from other
 * processes falls on both; each path warms up before each measurement (the order process is new each
 * round). At the end: the books (every user's ledger equals their balance; every PAID order has exactly
 * one LOCKED escrow of its amount, fee and parties; no order without an escrow but the failed ones) and
 * how many messages either service dead-lettered. BENCH_KEEP_DB=1 keeps the database.
 *
 * Knobs: BENCH_ORDER_MAX_BATCH (the order service's ORDER_CONSUMER_MAX_BATCH), BENCH_ROUNDS (3), BENCH_BUYERS (200), BENCH_SELLERS (50), BENCH_LISTINGS (1000),
 * BENCH_ORDERS_PER_ROUND (BENCH_LISTINGS, at most that), BENCH_WARMUP_ORDERS (2 x BENCH_BUYERS),
 * BENCH_ORDER_PAYMENT_WAIT_MS (10000), BENCH_KEEP_DB=1, BENCH_ORDER_RATE (0: closed loop; N: the order path's
 * measurement paced at N orders/s offered by the same buyers, latency from when each order was due:
 * bench/support/closed-loop.ts), to find the load this machine carries within the latency target.
 */
import { TOPICS } from '@dbay/contracts';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type http from 'node:http';
import { formatDoge, KOINU_PER_DOGE } from '@dbay/money';
import {
  ProcessKeys,
  spawnService,
  stackEndpoints,
  startThrowawayKafka,
  ThrowawayDatabase,
  type ServiceProcess,
} from '@dbay/testing';
import { feeFor } from '../../services/order/src/domain/order.js';
import { closedLoop, OK, type Outcome } from '../support/closed-loop.js';
import { benchUserId, seedFundedWallets } from '../support/database.js';
import { keepAliveAgent, postJson, type Answer } from '../support/http.js';
import { moveGroupToEnd, topicsConsumedBy } from '../support/kafka.js';
import {
  addCpuUse,
  cpuMeter,
  cpuPerOpLine,
  flagKnob,
  intKnob,
  loadAverage,
  machineLine,
  type CpuUse,
} from '../support/machine.js';
import { DRAIN_TIMEOUT_MS, OrderServiceDriver, type PayOrder } from '../support/order-service-driver.js';
import {
  combine,
  countError,
  errorKindsLine,
  summarize,
  tableLines,
  type Measured,
  type Summary,
} from '../support/stats.js';
import { runBench, type Teardown } from '../support/teardown.js';
import { checkOrderBooks, deadLettered, waitUntilNoPaymentPending } from './books.js';

const ROUNDS = intKnob('BENCH_ROUNDS', 3);
const BUYERS = intKnob('BENCH_BUYERS', 200);
const SELLERS = intKnob('BENCH_SELLERS', 50);
const LISTINGS = intKnob('BENCH_LISTINGS', 1000);
const ORDERS_PER_ROUND = intKnob('BENCH_ORDERS_PER_ROUND', LISTINGS);
const WARMUP_ORDERS = intKnob('BENCH_WARMUP_ORDERS', 2 * BUYERS);
const PAYMENT_WAIT_MS = intKnob('BENCH_ORDER_PAYMENT_WAIT_MS', 10_000);
const KEEP_DB = flagKnob('BENCH_KEEP_DB');
/** Orders/s offered by the buyers during the measurement; 0: as fast as answered (closed loop). */
const OFFERED_RATE = intKnob('BENCH_ORDER_RATE', 0, 0);

const TARGET_P99_MS = 500;
const PRICE_KOINU = 10n * KOINU_PER_DOGE;
/** The service's own default, set explicitly so that the baseline's pay-orders carry the same fee. */
const FEE_BASIS_POINTS = 250;
const FEE_KOINU = feeFor(PRICE_KOINU, FEE_BASIS_POINTS);
/** 100,000 orders' worth each: far more than any run sells one buyer. */
const BUYER_BALANCE_KOINU = 1_000_000n * KOINU_PER_DOGE;
/** Sellers need a wallet, not money; a seeded wallet holds something (a ledger entry is never zero). */
const SELLER_BALANCE_KOINU = KOINU_PER_DOGE;
/** The order service's consumer group: its service name (runService's default). */
const ORDER_GROUP = 'order';
const WALLET_PATH = 'wallet pay-order (Kafka)';
const ORDER_PATH = 'order buy-it-now (HTTP)';

const buyerIds = Array.from({ length: BUYERS }, (_, i) => benchUserId('bench-buyer', i + 1));
const sellerIds = Array.from({ length: SELLERS }, (_, i) => benchUserId('bench-seller', i + 1));
const listingBody = JSON.stringify({
  title: 'Benchmark item',
  description: '',
  price: formatDoge(PRICE_KOINU),
  shippingDays: 14,
});

/** What the order path carries from round to round. */
interface Marketplace {
  database: ThrowawayDatabase;
  brokers: string;
  keys: ProcessKeys;
  orderTopics: string[];
  buyerTokens: string[];
  sellerTokens: string[];
  /** Listings the bench created and no buyer has taken yet, oldest first. */
  open: string[];
  listingsCreated: number;
  /** The order process while an order path runs (stopped between them). */
  running: ServiceProcess | undefined;
  /** The wallet process, whose CPU time both paths count. */
  walletPid: number | undefined;
}

/** A measurement and the CPU time the machine and the services spent on it. */
interface Costed {
  measured: Measured;
  cpu: CpuUse;
}

// ---------------------------------------------------------------------------------------------------
// The wallet path

/** The same buyers in turn, the sellers in turn, the listings' price and the order service's fee. */
function payOrders(): PayOrder {
  let next = 0;
  return (orderId) => {
    const n = next;
    next += 1;
    return {
      orderId,
      buyerId: buyerIds[n % BUYERS]!,
      sellerId: sellerIds[n % SELLERS]!,
      amountKoinu: PRICE_KOINU.toString(),
      feeKoinu: FEE_KOINU.toString(),
    };
  };
}

async function walletPath(
  driver: OrderServiceDriver,
  payOrder: PayOrder,
  walletPid?: number,
): Promise<Costed> {
  const warmUp = await driver.drive({ orders: WARMUP_ORDERS }, BUYERS, payOrder, false);
  if (warmUp.ops === 0)
    throw new Error(
      `wallet warm-up: no pay-order locked (${warmUp.failed} refused, ${warmUp.unanswered} unanswered)`,
    );
  const meter = cpuMeter({ wallet: walletPid, bench: process.pid });
  const measured = await driver.drive({ orders: ORDERS_PER_ROUND }, BUYERS, payOrder, true);
  const cpu = meter.stop();
  const errorKinds: Record<string, number> = {};
  if (measured.failed > 0) countError(errorKinds, TOPICS.escrowLockFailed, measured.failed);
  if (measured.unanswered > 0)
    countError(errorKinds, `no answer in ${DRAIN_TIMEOUT_MS / 1000} s`, measured.unanswered);
  const errors = measured.failed + measured.unanswered;
  return {
    measured: {
      name: WALLET_PATH,
      ops: measured.ops,
      seconds: measured.seconds,
      latenciesMs: measured.latenciesMs,
      errors,
      ...(errors > 0 ? { errorKinds } : {}),
    },
    cpu,
  };
}

// ---------------------------------------------------------------------------------------------------
// The order path

/** A buy succeeded when it answered 201 with the order PAID; anything else is an error of its kind. */
function buyOutcome({ status, body }: Answer): Outcome {
  let answer: { status?: unknown; error?: { code?: unknown } } = {};
  try {
    answer = JSON.parse(body) as typeof answer;
  } catch {
    // Not JSON (a proxy's or a crash's page): the status alone says what happened.
  }
  if (status === 201 && answer.status === 'PAID') return OK;
  if (status === 201) return { ok: false, kind: `HTTP 201 ${String(answer.status)}` };
  if (status === 202) return { ok: false, kind: 'HTTP 202 (payment still pending)' };
  const code = typeof answer.error?.code === 'string' ? ` ${answer.error.code}` : '';
  return { ok: false, kind: `HTTP ${status}${code}` };
}

/** The sellers list (in turn, one request each at a time) until `target` listings are open. */
async function topUpListings(
  market: Marketplace,
  order: ServiceProcess,
  agent: http.Agent,
  target: number,
): Promise<void> {
  let missing = target - market.open.length;
  const listed = await closedLoop(
    'listings',
    Math.max(0, Math.min(SELLERS, missing)),
    () => {
      if (missing <= 0) return undefined;
      missing -= 1;
      return listingBody;
    },
    async (body, seller) => {
      const answer = await postJson(agent, order.port, '/v1/listings', market.sellerTokens[seller]!, body);
      if (answer.status !== 201) return { ok: false, kind: `HTTP ${answer.status}` };
      market.open.push((JSON.parse(answer.body) as { id: string }).id);
      return OK;
    },
  );
  market.listingsCreated += listed.ops;
  if (listed.errors > 0) throw new Error(`listing failed: ${errorKindsLine(listed.errorKinds)}`);
}

/** BUYERS closed-loop buyers, each buying the next open listing, until `count` orders were sent. */
function buyListings(
  market: Marketplace,
  order: ServiceProcess,
  agent: http.Agent,
  count: number,
  pace?: { perSecond: number },
): Promise<Measured> {
  let left = count;
  return closedLoop(
    ORDER_PATH,
    BUYERS,
    () => {
      if (left === 0 || market.open.length === 0) return undefined;
      left -= 1;
      return market.open.shift();
    },
    async (listingId, buyer) =>
      buyOutcome(
        await postJson(
          agent,
          order.port,
          '/v1/orders',
          market.buyerTokens[buyer]!,
          JSON.stringify({ listingId }),
        ),
      ),
    pace,
  );
}

/** Starts the order process where its group has nothing of the baseline's left to read. */
async function startOrderService(market: Marketplace): Promise<ServiceProcess> {
  await moveGroupToEnd(market.brokers, ORDER_GROUP, market.orderTopics);
  return spawnService({
    service: 'order',
    databaseUrl: market.database.urlOf('order'),
    kafkaBrokers: market.brokers,
    keys: market.keys,
    env: {
      ORDER_PAYMENT_WAIT_MS: String(PAYMENT_WAIT_MS),
      ORDER_FEE_BASIS_POINTS: String(FEE_BASIS_POINTS),
      // BENCH_ORDER_MAX_BATCH=1: the wallet's answers one transaction each, as before group commit.
      ...(process.env.BENCH_ORDER_MAX_BATCH
        ? { ORDER_CONSUMER_MAX_BATCH: process.env.BENCH_ORDER_MAX_BATCH }
        : {}),
    },
    // For profiling, e.g. BENCH_ORDER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'.
    nodeArgs: (process.env.BENCH_ORDER_NODE_ARGS ?? '').split(' ').filter(Boolean),
  });
}

async function orderPath(market: Marketplace): Promise<Costed> {
  const order = await startOrderService(market);
  market.running = order;
  const agent = keepAliveAgent(BUYERS);
  try {
    // Listed first, so that the measurement follows the warm-up at once (no keep-alive socket idles
    // between them) and starts with BENCH_LISTINGS open.
    await topUpListings(market, order, agent, LISTINGS + WARMUP_ORDERS);
    const warmUp = await buyListings(market, order, agent, WARMUP_ORDERS);
    if (warmUp.ops === 0)
      throw new Error(`order warm-up: nothing paid (${errorKindsLine(warmUp.errorKinds)})`);
    const meter = cpuMeter({ order: order.pid, wallet: market.walletPid, bench: process.pid });
    const measured = await buyListings(
      market,
      order,
      agent,
      ORDERS_PER_ROUND,
      OFFERED_RATE > 0 ? { perSecond: OFFERED_RATE } : undefined,
    );
    const cpu = meter.stop();
    // A buy that was not answered PAID may still have its answer on the way; let it land before the
    // process stops, so that no order is left waiting for an answer its group will be moved past.
    const pending = await waitUntilNoPaymentPending(market.database);
    if (pending > 0) console.log(`  ${pending} orders still PENDING_PAYMENT when the order service stopped`);
    return { measured, cpu };
  } finally {
    agent.destroy();
    market.running = undefined;
    await order.stop();
  }
}

// ---------------------------------------------------------------------------------------------------

function checkKnobs(): void {
  if (ORDERS_PER_ROUND > LISTINGS) {
    throw new Error(
      `BENCH_ORDERS_PER_ROUND (${ORDERS_PER_ROUND}) may not exceed BENCH_LISTINGS (${LISTINGS}): a measurement sells from the listings open at its start`,
    );
  }
}

function printResults(wallet: Summary, order: Summary, walletCpu: CpuUse, orderCpu: CpuUse): void {
  console.log('');
  for (const line of tableLines([wallet, order])) console.log(line);
  for (const row of [wallet, order]) {
    if (row.errors > 0) console.log(`  ${row.name} errors: ${errorKindsLine(row.errorKinds)}`);
  }
  console.log('');
  console.log(
    `  ratio order / wallet: throughput ${(order.opsPerSecond / wallet.opsPerSecond).toFixed(2)}, p99 ${(order.p99 / wallet.p99).toFixed(2)}`,
  );
  console.log(`  CPU per pay-order, wallet path: ${cpuPerOpLine(walletCpu, wallet.ops)}`);
  console.log(`  CPU per order, order path:     ${cpuPerOpLine(orderCpu, order.ops)}`);
  const machineMsPerOrder = orderCpu.machineMs / Math.max(1, order.ops);
  console.log(
    `  so the order path's ceiling on this machine is ~${((os.cpus().length * 1000) / machineMsPerOrder).toFixed(0)} orders/s (every CPU busy), and p99 < ${TARGET_P99_MS} ms with ${BUYERS} closed-loop buyers needs more than ${((BUYERS * 1000) / TARGET_P99_MS).toFixed(0)}`,
  );
  const met = order.p99 < TARGET_P99_MS && order.errors === 0;
  const unpaid = order.errors > 0 ? `, ${order.errors} orders not paid` : '';
  const paced =
    OFFERED_RATE > 0 ? ` at ${OFFERED_RATE} orders/s offered (paced, not the issue's closed loop)` : '';
  console.log(
    `  p99 < ${TARGET_P99_MS} ms${paced}: ${met ? 'met' : 'not met'} (order p99 ${order.p99.toFixed(0)} ms${unpaid})`,
  );
}

async function main(teardown: Teardown): Promise<void> {
  checkKnobs();
  console.log(machineLine('bench:orders'));
  console.log(
    `  ${BUYERS} buyers, ${SELLERS} sellers, ${LISTINGS} open listings at a time at ${formatDoge(PRICE_KOINU)} DOGE, ${ORDERS_PER_ROUND} orders per measurement (+${WARMUP_ORDERS} warm-up) on each path, ${ROUNDS} interleaved rounds; the wallet path keeps ${BUYERS} pay-orders in flight; ORDER_PAYMENT_WAIT_MS=${PAYMENT_WAIT_MS}${OFFERED_RATE > 0 ? `; the order path's measurement paced at ${OFFERED_RATE} orders/s offered (BENCH_ORDER_RATE), latency from when each order was due` : ''}`,
  );
  const started = performance.now();
  const name = `dbay_bench_orders_${randomBytes(4).toString('hex')}`;
  const database = await ThrowawayDatabase.create({ name, services: ['wallet', 'order'] });
  if (KEEP_DB) teardown.add(name, () => console.log(`  kept database ${name} (BENCH_KEEP_DB=1)`));
  else teardown.add(name, () => database.drop());
  await seedFundedWallets(database, [
    { prefix: 'bench-buyer', count: BUYERS, balanceKoinu: BUYER_BALANCE_KOINU },
    { prefix: 'bench-seller', count: SELLERS, balanceKoinu: SELLER_BALANCE_KOINU },
  ]);
  const kafka = await startThrowawayKafka();
  teardown.add('the throwaway Kafka', () => kafka.stop());
  console.log(
    `  database ${name} (wallet and order schemas) and Kafka on ${kafka.brokers} ready in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );

  const keys = await ProcessKeys.generate();
  const wallet = await spawnService({
    service: 'wallet',
    databaseUrl: database.urlOf('wallet'),
    kafkaBrokers: kafka.brokers,
    keys,
    env: { KAFKA_ENABLED: 'true', INTERNAL_CALLERS: 'order' },
  });
  teardown.add('the wallet', () => wallet.stop());
  const driver = new OrderServiceDriver(kafka.brokers, stackEndpoints().schemaRegistryUrl);
  teardown.add('the order service driver', () => driver.stop());
  await driver.start();
  const market: Marketplace = {
    database,
    brokers: kafka.brokers,
    keys,
    orderTopics: await topicsConsumedBy('order'),
    buyerTokens: await Promise.all(buyerIds.map((id) => keys.userToken(id))),
    sellerTokens: await Promise.all(sellerIds.map((id) => keys.userToken(id))),
    open: [],
    listingsCreated: 0,
    running: undefined,
    walletPid: wallet.pid,
  };
  teardown.add('the order service', () => market.running?.stop());

  const payOrder = payOrders();
  let walletTotal: Measured | undefined;
  let orderTotal: Measured | undefined;
  let walletCpu: CpuUse | undefined;
  let orderCpu: CpuUse | undefined;
  for (let round = 1; round <= ROUNDS; round += 1) {
    const walletRound = await walletPath(driver, payOrder, market.walletPid);
    const orderRound = await orderPath(market);
    const [viaWallet, viaOrder] = [walletRound.measured, orderRound.measured];
    walletTotal = combine(walletTotal, viaWallet);
    orderTotal = combine(orderTotal, viaOrder);
    walletCpu = addCpuUse(walletCpu, walletRound.cpu);
    orderCpu = addCpuUse(orderCpu, orderRound.cpu);
    const [w, o] = [summarize(viaWallet), summarize(viaOrder)];
    console.log(
      `  round ${round}/${ROUNDS}: wallet ${w.opsPerSecond.toFixed(0)} ops/s p99 ${w.p99.toFixed(0)} ms; order ${o.opsPerSecond.toFixed(0)} orders/s p99 ${o.p99.toFixed(0)} ms, ${o.errors} errors`,
    );
  }
  await driver.stop();
  await wallet.stop();

  console.log(`  load average after: ${loadAverage()}`);
  printResults(summarize(walletTotal!), summarize(orderTotal!), walletCpu!, orderCpu!);
  console.log('');
  console.log(`  listings created through POST /v1/listings: ${market.listingsCreated}`);
  for (const line of await checkOrderBooks(database)) console.log(`  ${line}`);
  console.log(`  ${await deadLettered(kafka.brokers)}`);
}

await runBench(main);
