/**
 * `npm run bench:auctions`: bids per second and the latency of a bid's answer (request to the definite
 * answer: leading, outbid, or refused with a reason) through the real order service and the real wallet,
 * on one hot auction and spread over many, beside pgbench running the same transaction shape in the same
 * run. Target (issue 14): p99 bid answer under 300 ms on this machine; the ratio to pgbench is printed.
 * Prints numbers; asserts nothing.
 *
 * Setup: one throwaway database (dropped at the end) with the wallet and order schemas, each owned and
 * migrated by its service's own role; BENCH_BIDDERS bidders funded in the wallet (set-based SQL); a
 * throwaway Kafka with the declared topics; the real wallet (its consumer and relay on: outbid locks are
 * released through bid.unlock-requested) and the real order service, which asks the wallet for each
 * bid's lock over its internal HTTP API (WALLET_URL, its own service key). Key pairs are made for the run.
 *
 * Auctions are opened through the order service's API (POST /v1/auctions by BENCH_SELLERS sellers, start
 * price 1 DOGE, ending in a day, so no close or soft-close extension falls in the run): one hot auction
 * and BENCH_AUCTIONS (1,000) for the spread path.
 *
 * Bid path: BENCH_BIDDERS (200) concurrent closed-loop bidders, each POSTing /v1/auctions/:id/bids with
 * its user token and a fresh Idempotency-Key, one bid in flight per bidder. Hot: every bid on the one
 * auction. Spread: the auctions in turn. The maxima rise by BID_STEP per bid on each auction (far above
 * the largest increment of the ladder), so a bid leads unless bids that overtook it in flight already
 * lifted the price past it: it is then outbid or refused too low, a definite answer too. A bid's latency
 * is request to any definite answer (201 with LEADING or OUTBID, or a coded 409/422 AUCTION_* refusal);
 * the answers are tallied by kind under the table. Anything else (5xx, 503 wallet unavailable, another
 * code, a reset) is an error. A measurement is BENCH_BIDS_PER_ROUND bids after BENCH_WARMUP_BIDS.
 *
 * Raw path: pgbench with BENCH_PGBENCH_CLIENTS connections (32: the service reaches Postgres through a
 * pool of 10, and 200 connections would exceed a default max_connections shared with the stack) runs
 * the bid's core transaction: the auction row locked FOR UPDATE, the bid row inserted, the auction's
 * leader, price and count updated, on auctions of its own inserted by SQL (the hot one, then
 * BENCH_AUCTIONS spread), as the order service's role, for BENCH_PGBENCH_SECONDS after a 1 s warm-up.
 *
 * Rounds (BENCH_ROUNDS, 3) interleave hot service, hot pgbench, spread service, spread pgbench, so that
 * load from other processes falls on both sides of each ratio. At the end: the wallet's books and the
 * bids by outcome. BENCH_KEEP_DB=1 keeps the database.
 *
 * Knobs: BENCH_ROUNDS (3), BENCH_BIDDERS (200), BENCH_SELLERS (20), BENCH_AUCTIONS (1000),
 * BENCH_BIDS_PER_ROUND (2000), BENCH_WARMUP_BIDS (2 x BENCH_BIDDERS), BENCH_PGBENCH_CLIENTS (32),
 * BENCH_PGBENCH_SECONDS (5), BENCH_KEEP_DB=1, BENCH_BID_RATE (0: closed loop; N: each service measurement
 * paced at N bids/s offered by the same bidders, latency from when each bid was due:
 * bench/support/closed-loop.ts), to find the load this machine carries within the latency target.
 */
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import { formatDoge, KOINU_PER_DOGE } from '@dbay/money';
import {
  onDatabase,
  ProcessKeys,
  spawnService,
  startThrowawayKafka,
  ThrowawayDatabase,
  type ServiceProcess,
} from '@dbay/testing';
import { closedLoop, OK, type Outcome } from '../support/closed-loop.js';
import { benchUserId, checkWalletBooks, seedFundedWallets } from '../support/database.js';
import { keepAliveAgent, postJson, type Answer } from '../support/http.js';
import { CpuTally, flagKnob, intKnob, loadAverage, machineLine } from '../support/machine.js';
import { drivePgbench } from '../support/pgbench.js';
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

const ROUNDS = intKnob('BENCH_ROUNDS', 3);
const BIDDERS = intKnob('BENCH_BIDDERS', 200);
const SELLERS = intKnob('BENCH_SELLERS', 20);
const AUCTIONS = intKnob('BENCH_AUCTIONS', 1000);
const BIDS_PER_ROUND = intKnob('BENCH_BIDS_PER_ROUND', 2000);
const WARMUP_BIDS = intKnob('BENCH_WARMUP_BIDS', 2 * BIDDERS);
const PGBENCH_CLIENTS = intKnob('BENCH_PGBENCH_CLIENTS', 32);
const PGBENCH_SECONDS = intKnob('BENCH_PGBENCH_SECONDS', 5);
const PGBENCH_WARMUP_SECONDS = 1;
const KEEP_DB = flagKnob('BENCH_KEEP_DB');
/** Bids/s offered by the bidders during each service measurement; 0: as fast as answered (closed loop). */
const OFFERED_RATE = intKnob('BENCH_BID_RATE', 0, 0);

const TARGET_P99_MS = 300;
const START_PRICE_KOINU = KOINU_PER_DOGE;
/** Ten times the ladder's largest increment (100 DOGE from 5,000 DOGE): a later bid always clears it. */
const BID_STEP_KOINU = 1_000n * KOINU_PER_DOGE;
/**
 * Far above any maximum one bidder can hold at once: hot, one lock of at most (all bids x BID_STEP);
 * spread, one lock per auction it leads. NUMERIC(20,8) holds it, and 200 of them, with room to spare.
 */
const BIDDER_BALANCE_KOINU = 1_000_000_000n * KOINU_PER_DOGE;
const AUCTION_MINUTES = 24 * 60;
const HOT_SERVICE = 'service, one hot auction';
const HOT_RAW = 'pgbench, one hot auction';
const SPREAD_SERVICE = `service, ${AUCTIONS} auctions`;
const SPREAD_RAW = `pgbench, ${AUCTIONS} auctions`;
/** The pgbench auctions' ids: md5('pgbench-auction-<n>'), n = 0 the hot one, 1..AUCTIONS spread. */
const RAW_PREFIX = 'pgbench-auction';

const bidderIds = Array.from({ length: BIDDERS }, (_, i) => benchUserId('bench-bidder', i + 1));
const sellerIds = Array.from({ length: SELLERS }, (_, i) => benchUserId('bench-seller', i + 1));

interface Market {
  order: ServiceProcess;
  agent: http.Agent;
  bidderTokens: string[];
  hot: string;
  spread: string[];
  /** Bids sent so far per auction id: the next bid's maximum rises with it. */
  sent: Map<string, bigint>;
  /** Definite answers by kind (LEADING, OUTBID, refused AUCTION_BID_TOO_LOW, ...), per path. */
  answers: Record<string, Record<string, number>>;
}

// ---------------------------------------------------------------------------------------------------
// The service paths

/** The next maximum on `auctionId`: one BID_STEP above the previous bid's, as DOGE text. */
function nextMaximum(market: Market, auctionId: string): string {
  const sent = (market.sent.get(auctionId) ?? 0n) + 1n;
  market.sent.set(auctionId, sent);
  return formatDoge(START_PRICE_KOINU + sent * BID_STEP_KOINU);
}

/** A definite answer is a success (its kind tallied); anything else is an error of its kind. */
function bidOutcome({ status, body }: Answer, tally: Record<string, number>): Outcome {
  let answer: { bid?: { outcome?: unknown }; error?: { code?: unknown } } = {};
  try {
    answer = JSON.parse(body) as typeof answer;
  } catch {
    // Not JSON (a proxy's or a crash's page): the status alone says what happened.
  }
  const code = typeof answer.error?.code === 'string' ? answer.error.code : '';
  if (status === 201) {
    countError(tally, String(answer.bid?.outcome));
    return OK;
  }
  if ((status === 409 || status === 422) && code.startsWith('AUCTION_')) {
    countError(tally, `refused ${code}`);
    return OK;
  }
  return { ok: false, kind: `HTTP ${status}${code ? ` ${code}` : ''}` };
}

/** BIDDERS closed-loop bidders sending `count` bids, each on the auction `auctionFor` names. */
function bid(
  market: Market,
  name: string,
  count: number,
  auctionFor: (n: number) => string,
  pace?: { perSecond: number },
): Promise<Measured> {
  let sent = 0;
  const tally = (market.answers[name] ??= {});
  return closedLoop(
    name,
    BIDDERS,
    () => {
      if (sent === count) return undefined;
      sent += 1;
      const auctionId = auctionFor(sent);
      return { auctionId, body: JSON.stringify({ maximum: nextMaximum(market, auctionId) }) };
    },
    async ({ auctionId, body }, bidder) =>
      bidOutcome(
        await postJson(
          market.agent,
          market.order.port,
          `/v1/auctions/${auctionId}/bids`,
          market.bidderTokens[bidder]!,
          body,
        ),
        tally,
      ),
    pace,
  );
}

async function servicePath(
  market: Market,
  name: string,
  auctionFor: (n: number) => string,
): Promise<Measured> {
  const warmUp = await bid(market, `${name} (warm-up)`, WARMUP_BIDS, auctionFor);
  if (warmUp.ops === 0)
    throw new Error(`${name} warm-up: no bid answered (${errorKindsLine(warmUp.errorKinds)})`);
  const pace = OFFERED_RATE > 0 ? { perSecond: OFFERED_RATE } : undefined;
  return cpu.measure(name, () => bid(market, name, BIDS_PER_ROUND, auctionFor, pace));
}

/** CPU time of each measurement (not of its warm-up): the whole machine, Postgres, the JVMs and these. */
const metered: Record<string, number | undefined> = {
  order: undefined,
  wallet: undefined,
  bench: process.pid,
};
const cpu = new CpuTally(metered);

/** The sellers (in turn, one request each at a time) open `count` auctions; their ids in order. */
async function openAuctions(order: ServiceProcess, agent: http.Agent, keys: ProcessKeys, count: number) {
  const tokens = await Promise.all(sellerIds.map((id) => keys.userToken(id)));
  const body = JSON.stringify({
    title: 'Benchmark auction',
    startPrice: formatDoge(START_PRICE_KOINU),
    durationMinutes: AUCTION_MINUTES,
  });
  const ids: string[] = [];
  let left = count;
  const opened = await closedLoop(
    'auctions',
    Math.min(SELLERS, count),
    () => {
      if (left === 0) return undefined;
      left -= 1;
      return body;
    },
    async (request, seller) => {
      const answer = await postJson(agent, order.port, '/v1/auctions', tokens[seller]!, request);
      if (answer.status !== 201)
        return { ok: false, kind: `HTTP ${answer.status} ${answer.body.slice(0, 200)}` };
      ids.push((JSON.parse(answer.body) as { id: string }).id);
      return OK;
    },
  );
  if (opened.errors > 0) throw new Error(`opening auctions failed: ${errorKindsLine(opened.errorKinds)}`);
  return ids;
}

// ---------------------------------------------------------------------------------------------------
// The raw paths

/** The pgbench auctions, beside the service's and never touched by it (no close timer is written). */
async function insertRawAuctions(database: ThrowawayDatabase): Promise<void> {
  await onDatabase(database.urlOf('order'), async (db) => {
    await db.raw(
      `INSERT INTO "order".auctions (id, seller_id, title, description, shipping_days, status, start_price_koinu,
         ends_at, bid_count, reserve_met, version, created_at, updated_at)
       SELECT md5(?::text || '-' || n)::uuid, ?::uuid, 'pgbench auction', '', 14, 'OPEN', ?::bigint,
         "order".order_now() + interval '1 day', 0, false, 1, "order".order_now(), "order".order_now()
       FROM generate_series(0, ?::int) AS n`,
      [RAW_PREFIX, sellerIds[0]!, START_PRICE_KOINU.toString(), AUCTIONS],
    );
  });
  // Statistics for the planner, as the tables' owner would (the service's role may not ANALYZE).
  await onDatabase(database.adminUrl, (db) => db.raw('ANALYZE "order".auctions'));
}

/**
 * One bid's core as one transaction, as the service's step 3 does it under the auction's row lock: lock
 * the auction, write the bid row (leading, its lock held), move the auction's leader, price and count.
 */
function rawBidScript(auction: string): string {
  const id = `md5('${RAW_PREFIX}-' || (${auction})::text)::uuid`;
  return `\\set b random(1, ${BIDDERS})
BEGIN;
SELECT COALESCE(leader_max_koinu, start_price_koinu) AS top FROM "order".auctions WHERE id = ${id} FOR UPDATE \\gset
INSERT INTO "order".bids (id, auction_id, bidder_id, max_koinu, outcome, lock_state, price_after_koinu, placed_at, created_at, updated_at)
  VALUES (gen_random_uuid(), ${id}, md5('bench-bidder-' || (:b)::text)::uuid, (:top)::bigint + ${BID_STEP_KOINU}, 'LEADING', 'LOCKED',
          (:top)::bigint, "order".order_now(), "order".order_now(), "order".order_now())
  RETURNING id AS bid, max_koinu AS max \\gset
UPDATE "order".auctions SET leader_bid_id = (:bid)::uuid, leader_bidder_id = md5('bench-bidder-' || (:b)::text)::uuid,
    leader_max_koinu = (:max)::bigint, leader_placed_at = "order".order_now(), price_koinu = (:top)::bigint,
    bid_count = bid_count + 1, reserve_met = true, version = version + 1, updated_at = "order".order_now()
  WHERE id = ${id};
END;
`;
}

function rawPath(database: ThrowawayDatabase, name: string, auction: string, setup = ''): Promise<Measured> {
  return drivePgbench({
    name,
    databaseUrl: database.urlOf('order'),
    script: setup + rawBidScript(auction),
    clients: PGBENCH_CLIENTS,
    seconds: PGBENCH_SECONDS,
    warmupSeconds: PGBENCH_WARMUP_SECONDS,
    measuring: cpu.around(name),
  });
}

// ---------------------------------------------------------------------------------------------------

function printResults(rows: Record<string, Summary>, answers: Market['answers']): void {
  const [hot, hotRaw, spread, spreadRaw] = [HOT_SERVICE, HOT_RAW, SPREAD_SERVICE, SPREAD_RAW].map(
    (name) => rows[name]!,
  ) as [Summary, Summary, Summary, Summary];
  console.log('');
  for (const line of tableLines([hot, hotRaw, spread, spreadRaw], 28)) console.log(line);
  for (const row of [hot, hotRaw, spread, spreadRaw]) {
    if (row.errors > 0) console.log(`  ${row.name} errors: ${errorKindsLine(row.errorKinds)}`);
  }
  for (const name of [HOT_SERVICE, SPREAD_SERVICE]) {
    console.log(`  ${name} answers: ${errorKindsLine(answers[name])}`);
  }
  console.log('');
  console.log('  CPU milliseconds per bid while measured (the whole machine, then by process):');
  for (const row of [hot, hotRaw, spread, spreadRaw]) {
    const line = cpu.line(row.name, row.ops);
    if (line) console.log(`    ${row.name.padEnd(28)} ${line}`);
  }
  console.log('');
  const ratio = (service: Summary, raw: Summary) =>
    `bids/s ${(service.opsPerSecond / raw.opsPerSecond).toFixed(3)}, p50 ${(service.p50 / raw.p50).toFixed(1)}, p99 ${(service.p99 / raw.p99).toFixed(1)}`;
  console.log(`  ratio service / pgbench, one hot auction: ${ratio(hot, hotRaw)}`);
  console.log(`  ratio service / pgbench, ${AUCTIONS} auctions: ${ratio(spread, spreadRaw)}`);
  const paced =
    OFFERED_RATE > 0 ? ` at ${OFFERED_RATE} bids/s offered (paced, not the issue's closed loop)` : '';
  for (const row of [hot, spread]) {
    const met = row.p99 < TARGET_P99_MS && row.errors === 0;
    const errors = row.errors > 0 ? `, ${row.errors} errors` : '';
    console.log(
      `  p99 < ${TARGET_P99_MS} ms, ${row.name}${paced}: ${met ? 'met' : 'not met'} (p99 ${row.p99.toFixed(0)} ms${errors})`,
    );
  }
}

async function bidsByOutcome(database: ThrowawayDatabase): Promise<string> {
  return onDatabase(database.urlOf('order'), async (db) => {
    const { rows } = await db.raw<{ rows: { outcome: string; bids: string }[] }>(
      `SELECT outcome, COUNT(*) AS bids FROM "order".bids b
       WHERE NOT EXISTS (SELECT 1 FROM "order".auctions a WHERE a.id = b.auction_id AND a.title = 'pgbench auction')
       GROUP BY outcome ORDER BY outcome`,
    );
    return `service bids by outcome: ${rows.map((row) => `${row.outcome} ${row.bids}`).join(', ')}`;
  });
}

async function main(teardown: Teardown): Promise<void> {
  console.log(machineLine('bench:auctions'));
  console.log(
    `  ${BIDDERS} bidders, ${SELLERS} sellers, one hot auction and ${AUCTIONS} spread; ${BIDS_PER_ROUND} bids per measurement (+${WARMUP_BIDS} warm-up) on each service path; pgbench ${PGBENCH_CLIENTS} clients for ${PGBENCH_SECONDS} s (+${PGBENCH_WARMUP_SECONDS} s warm-up); ${ROUNDS} interleaved rounds${OFFERED_RATE > 0 ? `; each service measurement paced at ${OFFERED_RATE} bids/s offered (BENCH_BID_RATE), latency from when each bid was due` : ''}`,
  );
  const started = performance.now();
  const name = `dbay_bench_auctions_${randomBytes(4).toString('hex')}`;
  const database = await ThrowawayDatabase.create({ name, services: ['wallet', 'order'] });
  if (KEEP_DB) teardown.add(name, () => console.log(`  kept database ${name} (BENCH_KEEP_DB=1)`));
  else teardown.add(name, () => database.drop());
  await seedFundedWallets(database, [
    { prefix: 'bench-bidder', count: BIDDERS, balanceKoinu: BIDDER_BALANCE_KOINU },
  ]);
  const kafka = await startThrowawayKafka();
  teardown.add('the throwaway Kafka', () => kafka.stop());

  const keys = await ProcessKeys.generate();
  const wallet = await spawnService({
    service: 'wallet',
    databaseUrl: database.urlOf('wallet'),
    kafkaBrokers: kafka.brokers,
    keys,
    env: { KAFKA_ENABLED: 'true', INTERNAL_CALLERS: 'order' },
  });
  teardown.add('the wallet', () => wallet.stop());
  const order = await spawnService({
    service: 'order',
    databaseUrl: database.urlOf('order'),
    kafkaBrokers: kafka.brokers,
    keys,
    env: { WALLET_URL: `http://127.0.0.1:${wallet.port}` },
  });
  teardown.add('the order service', () => order.stop());
  metered.order = order.pid;
  metered.wallet = wallet.pid;
  const agent = keepAliveAgent(Math.max(BIDDERS, SELLERS));
  teardown.add('the HTTP agent', () => agent.destroy());

  const [hot, ...spread] = await openAuctions(order, agent, keys, 1 + AUCTIONS);
  await insertRawAuctions(database);
  console.log(
    `  database ${name}, Kafka on ${kafka.brokers}, the wallet, the order service and ${1 + AUCTIONS} auctions (and as many for pgbench) ready in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  const market: Market = {
    order,
    agent,
    bidderTokens: await Promise.all(bidderIds.map((id) => keys.userToken(id))),
    hot: hot!,
    spread,
    sent: new Map(),
    answers: {},
  };

  const totals: Record<string, Measured> = {};
  const add = (measured: Measured): Summary => {
    totals[measured.name] = combine(totals[measured.name], measured);
    return summarize(measured);
  };
  let spreadNext = 0;
  const spreadAuction = (): string => market.spread[spreadNext++ % market.spread.length]!;
  for (let round = 1; round <= ROUNDS; round += 1) {
    const rows = [
      add(await servicePath(market, HOT_SERVICE, () => market.hot)),
      add(await rawPath(database, HOT_RAW, '0')),
      add(await servicePath(market, SPREAD_SERVICE, spreadAuction)),
      add(await rawPath(database, SPREAD_RAW, ':a', `\\set a random(1, ${AUCTIONS})\n`)),
    ];
    console.log(
      `  round ${round}/${ROUNDS}: ${rows.map((row) => `${row.name} ${row.opsPerSecond.toFixed(0)}/s p99 ${row.p99.toFixed(0)} ms`).join('; ')}`,
    );
  }

  console.log(`  load average after: ${loadAverage()}`);
  printResults(
    Object.fromEntries(Object.entries(totals).map(([key, measured]) => [key, summarize(measured)])),
    market.answers,
  );
  console.log('');
  console.log(`  ${await bidsByOutcome(database)}`);
  console.log(`  wallet books: ${await checkWalletBooks(database.urlOf('wallet'))}`);
}

await runBench(main);
