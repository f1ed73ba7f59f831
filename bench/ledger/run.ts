/**
 * `npm run bench:ledger`: pay-order throughput and latency of the wallet against raw Postgres doing the
 * same transaction, in one run, on this machine. Prints numbers; asserts nothing.
 *
 * Setup: a throwaway database (dropped at the end) migrated with the wallet's own migrations as the
 * wallet's own role, seeded with BENCH_WALLETS (100k) funded wallets plus one hot wallet, each with its
 * deposit in the ledger. The stack's `dbay` database is never touched.
 *
 * Service: the real wallet (services/wallet/src/main.ts, its own process) on that database and the
 * stack's Redis, with Kafka off (the outbox rows are written in the command's transaction; the relay
 * that would publish them is not running). BENCH_CONCURRENCY closed-loop HTTP clients POST
 * /internal/pay-order with a service token and a fresh Idempotency-Key each: JSON parsing and zod,
 * JWT check, the group-commit executor (redlock on every wallet of the batch, SELECT ... FOR UPDATE,
 * version bump, ledger entries, escrow, outbox, idempotency record, one commit per batch).
 *
 * Service via Kafka: the same wallet code as a second process with its consumer and outbox relay on,
 * against a throwaway Kafka broker (bench/support/kafka.ts) and its own copy of the seeded database.
 * The bench plays the order service: it keeps BENCH_KAFKA_IN_FLIGHT (default 1000) escrow.lock-requested
 * commands outstanding and counts a pay-order done when its escrow.locked comes back through the relay.
 * The wallet applies each run of a partition's messages as one group commit (one inbox insert, one
 * redlock, one statement, one commit); BENCH_CONSUMER_PARTITIONS sets how many partitions' runs it
 * applies at once (default: the wallet's own, 1).
 *
 * Service over the batch endpoint: the same HTTP wallet, BENCH_CONCURRENCY clients each POSTing
 * BENCH_HTTP_BATCH (default 20) pay-orders, each with its own key, to /internal/commands; a batch
 * counts its pay-orders once every one answered 201.
 *
 * Raw: pgbench with as many client connections, one pay-order per transaction: row lock on the buyer,
 * balance update, the two ledger entries, the escrow, the two outbox events and the idempotency record
 * (what the wallet writes per pay-order), prepared statements.
 *
 * Batched limit: pgbench with BENCH_BATCH_CLIENTS (default 4) connections, each transaction applying 200
 * pay-orders of the same shape set-based (pgbenchBatchScript): what the wallet could reach if it did
 * nothing but apply commands in the largest batches it forms. The Kafka path, which forms batches from
 * partition runs, is held against it (target >= 0.5).
 *
 * Each runs twice: buyers spread over the 100k wallets, then every order paid by the one hot wallet.
 * The ten measurements are interleaved in BENCH_ROUNDS rounds (service, raw, service, raw, ...) and
 * summed, so that load from other processes on a shared machine falls on both sides of each ratio.
 * Knobs: BENCH_ROUNDS (default 3), BENCH_SECONDS (per measurement and round, default 2; each after a
 * 1 s warm-up), BENCH_CONCURRENCY (default 32), BENCH_HTTP_BATCH (default 20), BENCH_WALLETS
 * (default 100000), BENCH_GROUP_COMMIT_MAX_BATCH and
 * BENCH_GROUP_COMMIT_CONCURRENCY (default: the wallet's own), BENCH_KEEP_DB=1.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { KOINU_PER_DOGE } from '@dbay/money';
import {
  ProcessKeys,
  spawnService,
  stackEndpoints,
  startThrowawayKafka,
  ThrowawayDatabase,
  type ServiceProcess,
} from '@dbay/testing';
import { TOPICS } from '@dbay/contracts';
import { closedLoop, OK, type Outcome } from '../support/closed-loop.js';
import { benchUserId, checkWalletBooks, seedFundedWallets } from '../support/database.js';
import { keepAliveAgent, postJson } from '../support/http.js';
import { CpuTally, loadAverage, machineLine } from '../support/machine.js';
import { OrderServiceDriver } from '../support/order-service-driver.js';
import { drivePgbench } from '../support/pgbench.js';
import { combine, summarize, tableLines, type Measured, type Summary } from '../support/stats.js';
import { runBench, type Teardown } from '../support/teardown.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const WARMUP_SECONDS = 1;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const WALLETS = Number(process.env.BENCH_WALLETS ?? 100_000);
const KEEP_DB = process.env.BENCH_KEEP_DB === '1';
const KAFKA_IN_FLIGHT = Number(process.env.BENCH_KAFKA_IN_FLIGHT ?? 1000);
const BATCH_SIZE = 200;
/** Pay-orders per POST /internal/commands request on the HTTP batch path. */
const HTTP_BATCH = Number(process.env.BENCH_HTTP_BATCH ?? 20);
const BATCH_CLIENTS = Number(process.env.BENCH_BATCH_CLIENTS ?? 4);
const ORDER_KOINU = 100_000_000n; // 1 DOGE
const FEE_KOINU = 1_000_000n;
const SEED_KOINU = 1_000_000n * KOINU_PER_DOGE; // per wallet: never the limit in a short run
const HOT_SEED_KOINU = 1_000_000_000n * KOINU_PER_DOGE;
const WALLET_PREFIX = 'bench';
const HOT_PREFIX = 'bench-hot';

const stack = stackEndpoints();

/** The numbered wallets md5('bench-n') and the one hot wallet md5('bench-hot-1'), here and in SQL. */
function walletId(n: number | 'hot'): string {
  return n === 'hot' ? benchUserId(HOT_PREFIX, 1) : benchUserId(WALLET_PREFIX, n);
}

// ---------------------------------------------------------------------------------------------------
// The service side

interface Wallet {
  service: ServiceProcess;
  token: string;
}

async function startWallet(keys: ProcessKeys, databaseUrl: string, kafkaBrokers?: string): Promise<Wallet> {
  const env: Record<string, string> = {
    KAFKA_ENABLED: kafkaBrokers ? 'true' : 'false',
    INTERNAL_CALLERS: 'order',
    // The benchmark's HTTP path: pay-order as the order service would send it if it used HTTP.
    INTERNAL_COMMAND_CALLERS: 'pay-order:order',
  };
  if (process.env.BENCH_GROUP_COMMIT_MAX_BATCH)
    env.GROUP_COMMIT_MAX_BATCH = process.env.BENCH_GROUP_COMMIT_MAX_BATCH;
  if (process.env.BENCH_GROUP_COMMIT_CONCURRENCY)
    env.GROUP_COMMIT_CONCURRENCY = process.env.BENCH_GROUP_COMMIT_CONCURRENCY;
  if (process.env.BENCH_CONSUMER_PARTITIONS)
    env.CONSUMER_PARTITIONS_CONCURRENTLY = process.env.BENCH_CONSUMER_PARTITIONS;
  const service = await spawnService({
    service: 'wallet',
    databaseUrl,
    kafkaBrokers: kafkaBrokers ?? stack.kafkaBrokers.join(','),
    keys,
    env,
    // For profiling the wallet under load, e.g. BENCH_WALLET_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'.
    nodeArgs: (process.env.BENCH_WALLET_NODE_ARGS ?? '').split(' ').filter(Boolean),
  });
  return { service, token: await keys.serviceToken('order') };
}

/** The executor's histograms: batches run, commands in them, seconds spent (sums since start). */
async function batchMetrics(wallet: Wallet): Promise<{ count: number; commands: number; seconds: number }> {
  const text = await (await fetch(`http://127.0.0.1:${wallet.service.metricsPort}/metrics`)).text();
  const value = (name: string): number =>
    Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return {
    count: value('dbay_wallet_batch_commands_count'),
    commands: value('dbay_wallet_batch_commands_sum'),
    seconds: value('dbay_wallet_batch_duration_seconds_sum'),
  };
}

type BatchTotals = Awaited<ReturnType<typeof batchMetrics>>;

/** Group commits between two reads of the metrics: how many, their mean size and mean time. */
function batchesBetween(before: BatchTotals, after: BatchTotals): NonNullable<Measured['batches']> {
  const count = after.count - before.count;
  return {
    count,
    meanSize: (after.commands - before.commands) / count,
    meanMs: ((after.seconds - before.seconds) / count) * 1000,
  };
}

/** One pay-order: 1 DOGE from `buyerId` to a random other wallet (the same on every path). */
function payOrderBody(orderId: string, buyerId: string) {
  let sellerId = walletId(1 + Math.floor(Math.random() * WALLETS));
  if (sellerId === buyerId) sellerId = walletId('hot');
  return {
    orderId,
    buyerId,
    sellerId,
    amountKoinu: ORDER_KOINU.toString(),
    feeKoinu: FEE_KOINU.toString(),
  };
}

/**
 * Closed loop over HTTP: CONCURRENCY clients, each sending its next request when the previous one was
 * answered; a warm-up, then the measurement with the executor's batches around it. Each request carries
 * `perRequest` pay-orders and counts that many done when `answered` says it succeeded.
 */
async function driveHttp(
  wallet: Wallet,
  name: string,
  route: string,
  perRequest: number,
  body: () => unknown,
  answered: (answer: { status: number; body: string }) => Outcome,
): Promise<Measured> {
  const agent = keepAliveAgent(CONCURRENCY);
  const phase = (seconds: number) => {
    const end = performance.now() + seconds * 1000;
    return closedLoop(
      name,
      CONCURRENCY,
      () => (performance.now() < end ? JSON.stringify(body()) : undefined),
      async (json) => answered(await postJson(agent, wallet.service.port, route, wallet.token, json)),
    );
  };
  await phase(WARMUP_SECONDS);
  const before = await batchMetrics(wallet);
  const measured = await cpu.measure(name, () => phase(SECONDS));
  const after = await batchMetrics(wallet);
  agent.destroy();
  return { ...measured, ops: measured.ops * perRequest, batches: batchesBetween(before, after) };
}

/** One pay-order per POST /internal/pay-order, a fresh key each. */
const driveService = (wallet: Wallet, name: string, buyer: () => string): Promise<Measured> =>
  driveHttp(
    wallet,
    name,
    '/internal/pay-order',
    1,
    () => payOrderBody(randomUUID(), buyer()),
    ({ status }) => (status === 201 ? OK : { ok: false, kind: `HTTP ${status}` }),
  );

/**
 * HTTP_BATCH pay-orders (each with its own key) per POST /internal/commands; a request counts them done
 * when every one answered 201, and its latency is the request's.
 */
const driveServiceBatches = (wallet: Wallet, name: string, buyer: () => string): Promise<Measured> =>
  driveHttp(
    wallet,
    name,
    '/internal/commands',
    HTTP_BATCH,
    () => ({
      commands: Array.from({ length: HTTP_BATCH }, () => ({
        command: 'pay-order',
        idempotencyKey: randomUUID(),
        body: payOrderBody(randomUUID(), buyer()),
      })),
    }),
    (answer) => {
      if (answer.status !== 200) return { ok: false, kind: `HTTP ${answer.status}` };
      const { results } = JSON.parse(answer.body) as { results: { status: number }[] };
      const failed = results.find((result) => result.status !== 201);
      return failed === undefined ? OK : { ok: false, kind: `a command answered ${failed.status}` };
    },
  );

/** Open loop with a window: KAFKA_IN_FLIGHT pay-orders outstanding over Kafka, answers via the relay. */
async function driveKafka(
  wallet: Wallet,
  driver: OrderServiceDriver,
  name: string,
  buyer: () => string,
): Promise<Measured> {
  const payOrder = (orderId: string) => payOrderBody(orderId, buyer());
  await driver.drive({ seconds: WARMUP_SECONDS }, KAFKA_IN_FLIGHT, payOrder, false);
  const before = await batchMetrics(wallet);
  const measured = await cpu.measure(name, () =>
    driver.drive({ seconds: SECONDS }, KAFKA_IN_FLIGHT, payOrder, true),
  );
  const after = await batchMetrics(wallet);
  return {
    name,
    ops: measured.ops,
    seconds: measured.seconds,
    latenciesMs: measured.latenciesMs,
    errors: measured.failed,
    batches: batchesBetween(before, after),
  };
}

// ---------------------------------------------------------------------------------------------------
// The raw side

// ---------------------------------------------------------------------------------------------------
// CPU time of each measurement (not of its warm-up), whole machine and by process

/** The processes metered by name beside Postgres and the JVMs: the bench, then the two wallets. */
const metered: Record<string, number | undefined> = { bench: process.pid };
const cpu = new CpuTally(metered);

/** One pay-order as one transaction, writing what the wallet writes for it. */
function pgbenchScript(buyer: string): string {
  return `\\set n random(1, ${WALLETS})
\\set m random(1, ${WALLETS})
BEGIN;
SELECT gen_random_uuid() AS tx, gen_random_uuid() AS ord, md5('bench-seller-' || (:m)::text)::uuid AS seller \\gset
SELECT 1 FROM wallet.commands WHERE scope = 'pgbench' AND idempotency_key = (:tx)::text;
SELECT available FROM wallet.wallet_balances WHERE user_id = ${buyer} FOR UPDATE;
UPDATE wallet.wallet_balances SET available = available - 1, locked = locked + 1, version = version + 1, updated_at = now()
  WHERE user_id = ${buyer} RETURNING available AS avail, locked AS lck \\gset
INSERT INTO wallet.ledger_entries (transaction_id, user_id, bucket, entry_type, debit, credit, balance_after, reference_type, reference_id, idempotency_key)
  VALUES ((:tx)::uuid, ${buyer}, 'AVAILABLE', 'ESCROW_LOCK', 1, 0, (:avail)::numeric, 'order', (:ord)::text, (:tx)::text || '#0'),
         ((:tx)::uuid, ${buyer}, 'LOCKED', 'ESCROW_LOCK', 0, 1, (:lck)::numeric, 'order', (:ord)::text, (:tx)::text || '#1');
INSERT INTO wallet.escrow (id, order_id, buyer_id, seller_id, amount, fee_amount, status, source, created_at, updated_at)
  VALUES ((:tx)::uuid, (:ord)::uuid, ${buyer}, (:seller)::uuid, 1, 0.01, 'LOCKED', 'PAY_ORDER', now(), now());
INSERT INTO wallet.outbox (event_id, topic, message_key, payload, correlation_id, occurred_at)
  VALUES (gen_random_uuid(), '${TOPICS.escrowLocked}', (:ord)::text, jsonb_build_object('orderId', (:ord)::text, 'escrowId', (:tx)::text,
            'buyerId', (${buyer})::text, 'sellerId', (:seller)::text, 'amountKoinu', '100000000', 'feeKoinu', '1000000',
            'source', 'PAY_ORDER', 'auctionId', null), (:tx)::text, now()),
         (gen_random_uuid(), '${TOPICS.balanceChanged}', (${buyer})::text, jsonb_build_object('userId', (${buyer})::text,
            'availableKoinu', (:avail)::text, 'lockedKoinu', (:lck)::text, 'pendingKoinu', '0', 'version', 1,
            'cause', 'ESCROW_LOCK', 'referenceType', 'order', 'referenceId', (:ord)::text), (:tx)::text, now());
INSERT INTO wallet.commands (scope, idempotency_key, command_type, request_hash, outcome, response, command_id)
  VALUES ('pgbench', (:tx)::text, 'PayOrder', md5((:ord)::text), 'ACCEPTED',
          json_build_object('kind', 'escrow', 'orderId', (:ord)::text), (:tx)::uuid);
END;
`;
}

/**
 * The batched limit: BATCH_SIZE pay-orders of the same shape in one transaction, set-based. The picks
 * are a pure function of one random seed `s` and the row number `g`, so that the three statements see
 * the same ones without a temporary table: the idempotency lookup of every key, the buyers' rows locked
 * in user_id order (no deadlocks between clients), then one statement of data-modifying CTEs that moves
 * each buyer's balance once by its count of orders and writes per order what the single script writes
 * (two ledger entries whose balance_after counts down within the buyer's orders, the escrow, the two
 * outbox events, the idempotency record). `buyerOf` is SQL for the buyer of row `g`.
 */
function pgbenchBatchScript(buyerOf: string): string {
  const picks = `SELECT g, ${buyerOf} AS buyer,
           md5('bench-seller-' || (1 + abs(hashint8((:s)::bigint * 1000000 + 500000 + g)) % ${WALLETS})::text)::uuid AS seller,
           md5('tx-' || (:s)::bigint || '-' || g)::uuid AS tx, md5('ord-' || (:s)::bigint || '-' || g)::uuid AS ord
         FROM generate_series(1, ${BATCH_SIZE}) AS g`;
  return `\\set s random(1, 9000000000000)
BEGIN;
SELECT count(*) FROM wallet.commands WHERE scope = 'pgbench' AND idempotency_key IN (SELECT tx::text FROM (${picks}) AS p);
SELECT 1 FROM wallet.wallet_balances WHERE user_id IN (SELECT buyer FROM (${picks}) AS p) ORDER BY user_id FOR UPDATE;
WITH picks AS MATERIALIZED (
  SELECT p.*, row_number() OVER (PARTITION BY buyer ORDER BY g) AS k, count(*) OVER (PARTITION BY buyer) AS n
    FROM (${picks}) AS p
), moved AS (
  UPDATE wallet.wallet_balances b
     SET available = b.available - c.n, locked = b.locked + c.n, version = b.version + c.n, updated_at = now()
    FROM (SELECT DISTINCT buyer, n FROM picks) AS c WHERE b.user_id = c.buyer
  RETURNING b.user_id, b.available + c.n AS available_before, b.locked - c.n AS locked_before
), orders AS (
  SELECT x.*, m.available_before - x.k AS avail, m.locked_before + x.k AS lck FROM picks x JOIN moved m ON m.user_id = x.buyer
), entries AS (
  INSERT INTO wallet.ledger_entries (transaction_id, user_id, bucket, entry_type, debit, credit, balance_after, reference_type, reference_id, idempotency_key)
  SELECT tx, buyer, 'AVAILABLE', 'ESCROW_LOCK', 1, 0, avail, 'order', ord::text, tx::text || '#0' FROM orders
  UNION ALL
  SELECT tx, buyer, 'LOCKED', 'ESCROW_LOCK', 0, 1, lck, 'order', ord::text, tx::text || '#1' FROM orders
), escrows AS (
  INSERT INTO wallet.escrow (id, order_id, buyer_id, seller_id, amount, fee_amount, status, source, created_at, updated_at)
  SELECT tx, ord, buyer, seller, 1, 0.01, 'LOCKED', 'PAY_ORDER', now(), now() FROM orders
), events AS (
  INSERT INTO wallet.outbox (event_id, topic, message_key, payload, correlation_id, occurred_at)
  SELECT gen_random_uuid(), '${TOPICS.escrowLocked}', ord::text, jsonb_build_object('orderId', ord::text, 'escrowId', tx::text,
           'buyerId', buyer::text, 'sellerId', seller::text, 'amountKoinu', '100000000', 'feeKoinu', '1000000',
           'source', 'PAY_ORDER', 'auctionId', null), tx::text, now() FROM orders
  UNION ALL
  SELECT gen_random_uuid(), '${TOPICS.balanceChanged}', buyer::text, jsonb_build_object('userId', buyer::text,
           'availableKoinu', avail::text, 'lockedKoinu', lck::text, 'pendingKoinu', '0', 'version', 1,
           'cause', 'ESCROW_LOCK', 'referenceType', 'order', 'referenceId', ord::text), tx::text, now() FROM orders
)
INSERT INTO wallet.commands (scope, idempotency_key, command_type, request_hash, outcome, response, command_id)
SELECT 'pgbench', tx::text, 'PayOrder', md5(ord::text), 'ACCEPTED', json_build_object('kind', 'escrow', 'orderId', ord::text), tx
  FROM orders;
END;
`;
}

/** The raw side of one measurement: the pay-order script for `buyer`, as the wallet's role. */
function payOrdersRaw(database: ThrowawayDatabase, name: string, buyer: string): Promise<Measured> {
  return drivePgbench({
    name,
    databaseUrl: database.urlOf('wallet'),
    script: pgbenchScript(buyer),
    clients: CONCURRENCY,
    seconds: SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    measuring: cpu.around(name),
  });
}

/** The batched limit for `buyerOf` (SQL of the row number g): BATCH_CLIENTS connections, 200 per transaction. */
function payOrdersBatched(database: ThrowawayDatabase, name: string, buyerOf: string): Promise<Measured> {
  return drivePgbench({
    name,
    databaseUrl: database.urlOf('wallet'),
    script: pgbenchBatchScript(buyerOf),
    clients: BATCH_CLIENTS,
    seconds: SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    opsPerTransaction: BATCH_SIZE,
    measuring: cpu.around(name),
  });
}

// ---------------------------------------------------------------------------------------------------

/** The two throwaway databases, each seeded with the same wallets: one for HTTP and pgbench, one for Kafka. */
async function seededDatabase(teardown: Teardown, name: string): Promise<ThrowawayDatabase> {
  const database = await ThrowawayDatabase.create({ name, owner: 'dbay_wallet', services: ['wallet'] });
  if (KEEP_DB) teardown.add(name, () => console.log(`  kept database ${name} (BENCH_KEEP_DB=1)`));
  else teardown.add(name, () => database.drop());
  await seedFundedWallets(database, [
    { prefix: WALLET_PREFIX, count: WALLETS, balanceKoinu: SEED_KOINU },
    { prefix: HOT_PREFIX, count: 1, balanceKoinu: HOT_SEED_KOINU },
  ]);
  return database;
}

function printResults(rows: Summary[]): void {
  console.log('');
  for (const line of tableLines(rows, 30)) console.log(line);
  for (const row of rows) {
    if (row.batches)
      console.log(
        `  ${row.name}: ${row.batches.count} group commits, ${row.batches.meanSize.toFixed(1)} pay-orders and ${row.batches.meanMs.toFixed(1)} ms (redlock + transaction + commit) each on average`,
      );
  }
  const [http, viaBus, raw, batched, httpHot, busHot, rawHot, batchedHot, httpBatch, httpBatchHot] = rows as [
    Summary,
    Summary,
    Summary,
    Summary,
    Summary,
    Summary,
    Summary,
    Summary,
    Summary,
    Summary,
  ];
  const ratio = (service: Summary, baseline: Summary) =>
    (service.opsPerSecond / baseline.opsPerSecond).toFixed(2);
  console.log('');
  console.log(`  ratio service / raw          100k wallets   one hot wallet   (target >= 1.0)`);
  console.log(
    `    via Kafka (group commit)   ${ratio(viaBus, raw).padStart(12)}   ${ratio(busHot, rawHot).padStart(14)}`,
  );
  console.log(
    `    via HTTP                   ${ratio(http, raw).padStart(12)}   ${ratio(httpHot, rawHot).padStart(14)}`,
  );
  console.log(
    `    via HTTP, ${String(HTTP_BATCH).padStart(3)} per request  ${ratio(httpBatch, raw).padStart(12)}   ${ratio(httpBatchHot, rawHot).padStart(14)}`,
  );
  console.log(
    `  ratio service / batched limit (pgbench, ${BATCH_SIZE} per transaction, ${BATCH_CLIENTS} connections; target >= 0.5 via Kafka)`,
  );
  console.log(
    `    via Kafka (group commit)   ${ratio(viaBus, batched).padStart(12)}   ${ratio(busHot, batchedHot).padStart(14)}`,
  );
  console.log(
    `    via HTTP                   ${ratio(http, batched).padStart(12)}   ${ratio(httpHot, batchedHot).padStart(14)}`,
  );
  console.log(
    `    via HTTP, ${String(HTTP_BATCH).padStart(3)} per request  ${ratio(httpBatch, batched).padStart(12)}   ${ratio(httpBatchHot, batchedHot).padStart(14)}`,
  );
}

async function main(teardown: Teardown): Promise<void> {
  const id = randomBytes(4).toString('hex');
  console.log(machineLine('bench:ledger'));
  console.log(
    `  ${WALLETS} wallets + 1 hot wallet, ${CONCURRENCY} HTTP clients / pgbench connections (batch path: ${HTTP_BATCH} pay-orders per request), ${BATCH_CLIENTS} batched pgbench connections, ${KAFKA_IN_FLIGHT} Kafka commands in flight, ${ROUNDS} interleaved rounds of ${SECONDS} s per measurement (+${WARMUP_SECONDS} s warm-up each)`,
  );
  const seedStarted = performance.now();
  const database = await seededDatabase(teardown, `dbay_bench_ledger_${id}`);
  const kafkaDatabase = await seededDatabase(teardown, `dbay_bench_ledger_kafka_${id}`);
  console.log(
    `  databases ${database.name} (HTTP, pgbench) and ${kafkaDatabase.name} (Kafka) migrated and seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`,
  );
  const kafkaStarted = performance.now();
  const kafka = await startThrowawayKafka();
  teardown.add('the throwaway Kafka', () => kafka.stop());
  console.log(
    `  throwaway Kafka on ${kafka.brokers} with the declared topics in ${((performance.now() - kafkaStarted) / 1000).toFixed(1)} s`,
  );

  const keys = await ProcessKeys.generate();
  const viaHttp = await startWallet(keys, database.urlOf('wallet'));
  teardown.add('the HTTP wallet', () => viaHttp.service.stop());
  const viaKafka = await startWallet(keys, kafkaDatabase.urlOf('wallet'), kafka.brokers);
  metered['wallet (HTTP)'] = viaHttp.service.pid;
  metered['wallet (Kafka)'] = viaKafka.service.pid;
  teardown.add('the Kafka wallet', () => viaKafka.service.stop());
  const orders = new OrderServiceDriver(kafka.brokers, stack.schemaRegistryUrl);
  teardown.add('the order service driver', () => orders.stop());
  await orders.start();

  const hot = walletId('hot');
  const spreadBuyer = () => walletId(1 + Math.floor(Math.random() * WALLETS));
  const runs: (() => Promise<Measured>)[] = [
    () => driveService(viaHttp, 'HTTP, 100k wallets', spreadBuyer),
    () => driveKafka(viaKafka, orders, 'Kafka, 100k wallets', spreadBuyer),
    () => payOrdersRaw(database, 'pgbench, 100k wallets', `md5('${WALLET_PREFIX}-' || (:n)::text)::uuid`),
    () =>
      payOrdersBatched(
        database,
        'pgbench x200, 100k wallets',
        `md5('${WALLET_PREFIX}-' || (1 + abs(hashint8((:s)::bigint * 1000000 + g)) % ${WALLETS})::text)::uuid`,
      ),
    () => driveService(viaHttp, 'HTTP, one hot wallet', () => hot),
    () => driveKafka(viaKafka, orders, 'Kafka, one hot wallet', () => hot),
    () => payOrdersRaw(database, 'pgbench, one hot wallet', `md5('${HOT_PREFIX}-1')::uuid`),
    () => payOrdersBatched(database, 'pgbench x200, one hot wallet', `md5('${HOT_PREFIX}-1')::uuid`),
    () => driveServiceBatches(viaHttp, `HTTP x${HTTP_BATCH}, 100k wallets`, spreadBuyer),
    () => driveServiceBatches(viaHttp, `HTTP x${HTTP_BATCH}, one hot wallet`, () => hot),
  ];
  const totals: (Measured | undefined)[] = runs.map(() => undefined);
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [index, drive] of runs.entries()) totals[index] = combine(totals[index], await drive());
  }
  await orders.stop();
  await viaHttp.service.stop();
  await viaKafka.service.stop();

  console.log(`  load average after: ${loadAverage()}`);
  const summaries = (totals as Measured[]).map(summarize);
  printResults(summaries);
  console.log('');
  console.log('  CPU milliseconds per pay-order while measured (the whole machine, then by process):');
  for (const row of summaries) {
    const line = cpu.line(row.name, row.ops);
    if (line) console.log(`    ${row.name.padEnd(30)} ${line}`);
  }
  console.log(`  books after the HTTP and pgbench runs: ${await checkWalletBooks(database.urlOf('wallet'))}`);
  console.log(
    `  books after the Kafka runs:            ${await checkWalletBooks(kafkaDatabase.urlOf('wallet'))}`,
  );
}

await runBench(main);
