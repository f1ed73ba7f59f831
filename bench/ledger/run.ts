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
 * against a throwaway Kafka broker (bench/ledger/kafka.ts) and its own copy of the seeded database.
 * The bench plays the order service: it keeps BENCH_KAFKA_IN_FLIGHT (default 1000) escrow.lock-requested
 * commands outstanding and counts a pay-order done when its escrow.locked comes back through the relay.
 * The wallet applies each run of a partition's messages as one group commit (one inbox insert, one
 * redlock, one statement, one commit); BENCH_CONSUMER_PARTITIONS sets how many partitions' runs it
 * applies at once (default: the wallet's own, 1).
 *
 * Raw: pgbench with as many client connections, one pay-order per transaction: row lock on the buyer,
 * balance update, the two ledger entries, the escrow, the two outbox events and the idempotency record
 * (what the wallet writes per pay-order), prepared statements.
 *
 * Each runs twice: buyers spread over the 100k wallets, then every order paid by the one hot wallet.
 * The six measurements are interleaved in BENCH_ROUNDS rounds (service, raw, service, raw, ...) and
 * summed, so that load from other processes on a shared machine falls on both sides of each ratio.
 * Knobs: BENCH_ROUNDS (default 3), BENCH_SECONDS (per measurement and round, default 2; each after a
 * 1 s warm-up), BENCH_CONCURRENCY (default 32), BENCH_WALLETS
 * (default 100000), BENCH_GROUP_COMMIT_MAX_BATCH and
 * BENCH_GROUP_COMMIT_CONCURRENCY (default: the wallet's own), BENCH_KEEP_DB=1.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import knexFactory, { type Knex } from 'knex';
import { stackEndpoints } from '@dbay/testing';
import { migrateWallet } from '../../services/wallet/src/migrate.js';
import { OrderServiceDriver, startThrowawayKafka, type ThrowawayKafka } from './kafka.js';
import { TOPICS } from '@dbay/contracts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const WARMUP_SECONDS = 1;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const WALLETS = Number(process.env.BENCH_WALLETS ?? 100_000);
const KEEP_DB = process.env.BENCH_KEEP_DB === '1';
const KAFKA_IN_FLIGHT = Number(process.env.BENCH_KAFKA_IN_FLIGHT ?? 1000);
const ORDER_KOINU = 100_000_000n; // 1 DOGE
const FEE_KOINU = 1_000_000n;
const SEED_DOGE = 1_000_000; // per wallet: never the limit in a short run
const HOT_SEED_DOGE = 1_000_000_000;
const READY_TIMEOUT_MS = 60_000;

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const stack = stackEndpoints();
const run = promisify(execFile);

/** The same deterministic user ids in SQL (md5('bench-n')::uuid) and here. */
function walletId(n: number | 'hot'): string {
  const hex = createHash('md5').update(`bench-${n}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function withDatabase(url: string, database: string, user?: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  if (user) parsed.username = user;
  return parsed.toString();
}

function connect(url: string): Knex {
  return knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
}

interface Measured {
  name: string;
  /** Service runs: mean commands per group-commit transaction and mean batch time, from /metrics. */
  batches?: { count: number; meanSize: number; meanMs: number };
  ops: number;
  seconds: number;
  latenciesMs: number[];
  errors: number;
}

const percentile = (sorted: number[], p: number): number =>
  sorted.length === 0
    ? NaN
    : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------------------------------------------
// The throwaway database

async function createBenchDatabase(name: string): Promise<string> {
  const admin = connect(stack.databaseAdminUrl);
  try {
    await admin.raw(`CREATE DATABASE ${name} OWNER dbay_wallet`);
  } finally {
    await admin.destroy();
  }
  const adminOnBench = connect(withDatabase(stack.databaseAdminUrl, name));
  try {
    await adminOnBench.raw('CREATE SCHEMA wallet AUTHORIZATION dbay_wallet');
  } finally {
    await adminOnBench.destroy();
  }
  const walletUrl = withDatabase(stack.services.wallet.databaseUrl, name, 'dbay_wallet');
  await migrateWallet(walletUrl, 'wallet');
  return walletUrl;
}

async function dropBenchDatabase(name: string): Promise<void> {
  const admin = connect(stack.databaseAdminUrl);
  try {
    await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.destroy();
  }
}

/** Wallets, their deposit entries and the clearing account's mirror, in a few set-based statements. */
async function seed(url: string): Promise<void> {
  const db = connect(url);
  try {
    await db.transaction(async (trx) => {
      await trx.raw('SET LOCAL search_path TO wallet');
      await trx.raw(
        `INSERT INTO wallet_balances (user_id, available)
         SELECT md5('bench-' || n)::uuid, ?::numeric FROM generate_series(1, ?::int) AS n
         UNION ALL SELECT md5('bench-hot')::uuid, ?::numeric`,
        [SEED_DOGE, WALLETS, HOT_SEED_DOGE],
      );
      await trx.raw(
        `INSERT INTO ledger_entries (transaction_id, user_id, bucket, entry_type, credit, balance_after,
           reference_type, reference_id, idempotency_key)
         SELECT gen_random_uuid(), user_id, 'AVAILABLE', 'DEPOSIT', available, available, 'tx',
           'bench-seed:' || user_id, 'bench-seed:' || user_id
         FROM wallet_balances`,
      );
      await trx.raw(
        `INSERT INTO ledger_entries (transaction_id, platform_account, bucket, entry_type, debit, balance_after,
           reference_type, reference_id, idempotency_key)
         SELECT gen_random_uuid(), 'CHAIN_CLEARING', 'PLATFORM', 'DEPOSIT', SUM(available), -SUM(available), 'tx',
           'bench-seed', 'bench-seed:clearing'
         FROM wallet_balances`,
      );
      await trx.raw(
        `UPDATE platform_accounts SET balance = -(SELECT SUM(available) FROM wallet_balances), version = 1
         WHERE code = 'CHAIN_CLEARING'`,
      );
    });
    await db.raw('ANALYZE wallet.wallet_balances, wallet.ledger_entries');
  } finally {
    await db.destroy();
  }
}

// ---------------------------------------------------------------------------------------------------
// The service side

interface Wallet {
  process: ChildProcess;
  port: number;
  token: string;
}

async function startWallet(databaseUrl: string, kafkaBrokers?: string): Promise<Wallet> {
  const service = await generateKeyPair('ES256', { extractable: true });
  const user = await generateKeyPair('ES256', { extractable: true });
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HTTP_PORT: String(port),
    DATABASE_URL: databaseUrl,
    DB_SCHEMA: 'wallet',
    REDIS_URL: stack.redisUrl,
    KAFKA_ENABLED: kafkaBrokers ? 'true' : 'false',
    KAFKA_BROKERS: kafkaBrokers ?? stack.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
    DOGECOIN_NETWORK: 'regtest',
    SERVICE_JWT_PUBLIC_KEY: await exportSPKI(service.publicKey),
    USER_JWT_PUBLIC_KEY: await exportSPKI(user.publicKey),
    INTERNAL_CALLERS: 'order',
  };
  if (process.env.BENCH_GROUP_COMMIT_MAX_BATCH)
    env.GROUP_COMMIT_MAX_BATCH = process.env.BENCH_GROUP_COMMIT_MAX_BATCH;
  if (process.env.BENCH_GROUP_COMMIT_CONCURRENCY)
    env.GROUP_COMMIT_CONCURRENCY = process.env.BENCH_GROUP_COMMIT_CONCURRENCY;
  if (process.env.BENCH_CONSUMER_PARTITIONS)
    env.CONSUMER_PARTITIONS_CONCURRENTLY = process.env.BENCH_CONSUMER_PARTITIONS;
  // For profiling the wallet under load, e.g. BENCH_WALLET_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'.
  const nodeArgs = (process.env.BENCH_WALLET_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const main = path.join(REPO, 'services/wallet/src/main.ts');
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', main], {
    cwd: REPO,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'ES256' })
    .setSubject('order')
    .setIssuer('dbay-services')
    .setAudience('dbay-wallet-internal')
    .setExpirationTime('1h')
    .sign(service.privateKey);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the wallet exited with ${child.exitCode}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('the wallet did not become ready');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { process: child, port, token };
}

async function stopWallet(wallet: Wallet): Promise<void> {
  if (wallet.process.exitCode !== null) return;
  const exited = new Promise((resolve) => wallet.process.once('exit', resolve));
  wallet.process.kill('SIGTERM');
  await exited;
}

function post(agent: http.Agent, port: number, route: string, token: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: route,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'idempotency-key': randomUUID(),
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** The executor's histograms: batches run, commands in them, seconds spent (sums since start). */
async function batchMetrics(wallet: Wallet): Promise<{ count: number; commands: number; seconds: number }> {
  const text = await (await fetch(`http://127.0.0.1:${wallet.port}/metrics`)).text();
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

/** Closed loop: CONCURRENCY clients, each sends its next pay-order when the previous one answered. */
async function driveService(wallet: Wallet, name: string, buyer: () => string): Promise<Measured> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const payOrder = () => JSON.stringify(payOrderBody(randomUUID(), buyer()));
  const phase = async (seconds: number, record: boolean) => {
    const latenciesMs: number[] = [];
    let errors = 0;
    let ops = 0;
    const started = performance.now();
    const end = started + seconds * 1000;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < end) {
          const body = payOrder();
          const sent = performance.now();
          const status = await post(agent, wallet.port, '/internal/pay-order', wallet.token, body);
          if (status === 201) {
            ops += 1;
            if (record) latenciesMs.push(performance.now() - sent);
          } else {
            errors += 1;
          }
        }
      }),
    );
    return { name, ops, seconds: (performance.now() - started) / 1000, latenciesMs, errors };
  };
  await phase(WARMUP_SECONDS, false);
  const before = await batchMetrics(wallet);
  const measured = await phase(SECONDS, true);
  const after = await batchMetrics(wallet);
  agent.destroy();
  return { ...measured, batches: batchesBetween(before, after) };
}

/** Open loop with a window: KAFKA_IN_FLIGHT pay-orders outstanding over Kafka, answers via the relay. */
async function driveKafka(
  wallet: Wallet,
  driver: OrderServiceDriver,
  name: string,
  buyer: () => string,
): Promise<Measured> {
  const payOrder = (orderId: string) => payOrderBody(orderId, buyer());
  await driver.drive(WARMUP_SECONDS, KAFKA_IN_FLIGHT, payOrder, false);
  const before = await batchMetrics(wallet);
  const measured = await driver.drive(SECONDS, KAFKA_IN_FLIGHT, payOrder, true);
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

async function drivePgbench(database: string, name: string, buyer: string): Promise<Measured> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-ledger-'));
  try {
    const script = path.join(dir, 'pay-order.sql');
    await writeFile(script, pgbenchScript(buyer));
    const url = new URL(stack.services.wallet.databaseUrl);
    const args = [
      '-h', url.hostname, '-p', url.port || '5432', '-U', 'dbay_wallet',
      '-n', '-M', 'prepared', '-c', String(CONCURRENCY), '-j', String(Math.min(CONCURRENCY, os.cpus().length)),
      '-f', script,
    ]; // prettier-ignore
    await run('pgbench', [...args, '-T', String(WARMUP_SECONDS), database], { maxBuffer: 1 << 24 });
    const { stdout } = await run(
      'pgbench',
      [...args, '-l', '--log-prefix', path.join(dir, 'tx'), '-T', String(SECONDS), database],
      { maxBuffer: 1 << 24 },
    );
    const processed = Number(/number of transactions actually processed: (\d+)/.exec(stdout)?.[1] ?? NaN);
    const failed = Number(/number of failed transactions: (\d+)/.exec(stdout)?.[1] ?? 0);
    const latenciesMs: number[] = [];
    let first = Infinity;
    let last = 0;
    for (const file of (await readdir(dir)).filter((f) => f.startsWith('tx'))) {
      for (const line of (await readFile(path.join(dir, file), 'utf8')).split('\n')) {
        const fields = line.split(' ');
        if (fields.length < 6) continue;
        latenciesMs.push(Number(fields[2]) / 1000);
        const at = Number(fields[4]) + Number(fields[5]) / 1e6;
        first = Math.min(first, at - Number(fields[2]) / 1e6);
        last = Math.max(last, at);
      }
    }
    return { name, ops: processed, seconds: last - first, latenciesMs, errors: failed };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------

/** Two rounds of one measurement as one: ops and time summed, latencies pooled, batches weighted. */
function combine(a: Measured | undefined, b: Measured): Measured {
  if (!a) return b;
  const batches =
    a.batches && b.batches
      ? {
          count: a.batches.count + b.batches.count,
          meanSize:
            (a.batches.meanSize * a.batches.count + b.batches.meanSize * b.batches.count) /
            (a.batches.count + b.batches.count),
          meanMs:
            (a.batches.meanMs * a.batches.count + b.batches.meanMs * b.batches.count) /
            (a.batches.count + b.batches.count),
        }
      : undefined;
  return {
    name: a.name,
    ops: a.ops + b.ops,
    seconds: a.seconds + b.seconds,
    latenciesMs: a.latenciesMs.concat(b.latenciesMs),
    errors: a.errors + b.errors,
    ...(batches ? { batches } : {}),
  };
}

function summarize(measured: Measured) {
  const sorted = [...measured.latenciesMs].sort((a, b) => a - b);
  return {
    name: measured.name,
    opsPerSecond: measured.ops / measured.seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    ops: measured.ops,
    errors: measured.errors,
    batches: measured.batches,
  };
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

/** The books of a bench database: every user's ledger equals their balance, nothing negative. */
async function checkBooks(databaseUrl: string): Promise<string> {
  const db = connect(databaseUrl);
  try {
    const [check] = (
      await db.raw<{ rows: { escrows: string; unbalanced: string; negative: string }[] }>(
        `SELECT (SELECT COUNT(*) FROM wallet.escrow) AS escrows,
                (SELECT COUNT(*) FROM (SELECT user_id FROM wallet.ledger_entries WHERE user_id IS NOT NULL
                   GROUP BY user_id HAVING SUM(credit) - SUM(debit) <>
                   (SELECT available + locked + pending FROM wallet.wallet_balances w WHERE w.user_id = ledger_entries.user_id)) bad) AS unbalanced,
                (SELECT COUNT(*) FROM wallet.wallet_balances WHERE available < 0 OR locked < 0) AS negative`,
      )
    ).rows;
    return `${check?.escrows} escrows, ${check?.unbalanced} users whose ledger differs from their balance, ${check?.negative} negative balances`;
  } finally {
    await db.destroy();
  }
}

async function provisionTopics(brokers: string): Promise<void> {
  await run(process.execPath, ['--import', 'tsx', path.join(REPO, 'scripts/provision.ts')], {
    cwd: REPO,
    env: { ...process.env, KAFKA_BROKERS: brokers, SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl },
  });
}

async function main(): Promise<void> {
  const id = randomBytes(4).toString('hex');
  const database = `dbay_bench_ledger_${id}`;
  const kafkaDatabase = `dbay_bench_ledger_kafka_${id}`;
  console.log(
    `bench:ledger  ${new Date().toISOString()}  ${os.cpus().length} CPUs  load average before: ${loadAverage()}`,
  );
  console.log(
    `  ${WALLETS} wallets + 1 hot wallet, ${CONCURRENCY} HTTP clients / pgbench connections, ${KAFKA_IN_FLIGHT} Kafka commands in flight, ${ROUNDS} interleaved rounds of ${SECONDS} s per measurement (+${WARMUP_SECONDS} s warm-up each)`,
  );
  let httpWallet: Wallet | undefined;
  let kafkaWallet: Wallet | undefined;
  let kafka: ThrowawayKafka | undefined;
  let driver: OrderServiceDriver | undefined;
  try {
    const seedStarted = performance.now();
    const databaseUrl = await createBenchDatabase(database);
    await seed(databaseUrl);
    const kafkaDatabaseUrl = await createBenchDatabase(kafkaDatabase);
    await seed(kafkaDatabaseUrl);
    console.log(
      `  databases ${database} (HTTP, pgbench) and ${kafkaDatabase} (Kafka) migrated and seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`,
    );
    const kafkaStarted = performance.now();
    kafka = await startThrowawayKafka({
      libsDir: stack.kafkaLibsDir,
      port: await freePort(),
      controllerPort: await freePort(),
    });
    await provisionTopics(kafka.brokers);
    console.log(
      `  throwaway Kafka on ${kafka.brokers} with the declared topics in ${((performance.now() - kafkaStarted) / 1000).toFixed(1)} s`,
    );

    httpWallet = await startWallet(databaseUrl);
    kafkaWallet = await startWallet(kafkaDatabaseUrl, kafka.brokers);
    driver = new OrderServiceDriver(kafka.brokers, stack.schemaRegistryUrl);
    await driver.start();
    const hot = walletId('hot');
    const [viaHttp, viaKafka, orders] = [httpWallet, kafkaWallet, driver];
    const spreadBuyer = () => walletId(1 + Math.floor(Math.random() * WALLETS));
    const runs: (() => Promise<Measured>)[] = [
      () => driveService(viaHttp, 'HTTP, 100k wallets', spreadBuyer),
      () => driveKafka(viaKafka, orders, 'Kafka, 100k wallets', spreadBuyer),
      () => drivePgbench(database, 'pgbench, 100k wallets', `md5('bench-' || (:n)::text)::uuid`),
      () => driveService(viaHttp, 'HTTP, one hot wallet', () => hot),
      () => driveKafka(viaKafka, orders, 'Kafka, one hot wallet', () => hot),
      () => drivePgbench(database, 'pgbench, one hot wallet', `md5('bench-hot')::uuid`),
    ];
    const totals: (Measured | undefined)[] = runs.map(() => undefined);
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const [index, drive] of runs.entries()) totals[index] = combine(totals[index], await drive());
    }
    await driver.stop();
    driver = undefined;
    await stopWallet(httpWallet);
    httpWallet = undefined;
    await stopWallet(kafkaWallet);
    kafkaWallet = undefined;

    const rows = (totals as Measured[]).map(summarize);
    console.log(`  load average after: ${loadAverage()}`);
    console.log('');
    console.log(
      `  ${'run'.padEnd(26)} ${'ops/s'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'ops'.padStart(8)} ${'errors'.padStart(7)}`,
    );
    for (const row of rows) {
      console.log(
        `  ${row.name.padEnd(26)} ${row.opsPerSecond.toFixed(0).padStart(9)} ${row.p50.toFixed(2).padStart(8)} ${row.p99.toFixed(2).padStart(8)} ${String(row.ops).padStart(8)} ${String(row.errors).padStart(7)}`,
      );
    }
    for (const row of rows) {
      if (row.batches)
        console.log(
          `  ${row.name}: ${row.batches.count} group commits, ${row.batches.meanSize.toFixed(1)} pay-orders and ${row.batches.meanMs.toFixed(1)} ms (redlock + transaction + commit) each on average`,
        );
    }
    type Row = ReturnType<typeof summarize>;
    const [http, viaBus, raw, httpHot, busHot, rawHot] = rows as [Row, Row, Row, Row, Row, Row];
    const ratio = (service: { opsPerSecond: number }, baseline: { opsPerSecond: number }) =>
      (service.opsPerSecond / baseline.opsPerSecond).toFixed(2);
    console.log('');
    console.log(`  ratio service / raw          100k wallets   one hot wallet   (target >= 1.0)`);
    console.log(
      `    via Kafka (group commit)   ${ratio(viaBus, raw).padStart(12)}   ${ratio(busHot, rawHot).padStart(14)}`,
    );
    console.log(
      `    via HTTP                   ${ratio(http, raw).padStart(12)}   ${ratio(httpHot, rawHot).padStart(14)}`,
    );
    console.log(`  books after the HTTP and pgbench runs: ${await checkBooks(databaseUrl)}`);
    console.log(`  books after the Kafka runs:            ${await checkBooks(kafkaDatabaseUrl)}`);
  } finally {
    if (driver) await driver.stop().catch(() => undefined);
    if (httpWallet) await stopWallet(httpWallet);
    if (kafkaWallet) await stopWallet(kafkaWallet);
    if (kafka) await kafka.stop();
    if (KEEP_DB) console.log(`  kept databases ${database} and ${kafkaDatabase} (BENCH_KEEP_DB=1)`);
    else {
      await dropBenchDatabase(database);
      await dropBenchDatabase(kafkaDatabase);
    }
  }
}

await main();
