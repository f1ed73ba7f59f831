/**
 * `npm run bench:deposits`: how fast the deposit watcher scans, and how long a user waits for the credit.
 *
 * 1. Scan throughput, scanner fed directly (no node, no RPC transport). Full blocks (just under the
 *    1,000,000-byte MAX_BLOCK_BASE_SIZE, ~4,400 one-in two-out P2PKH transactions each) are built with
 *    bitcoinjs-lib and rendered both ways the node answers getblock: Core 1.14's verbosity-2 JSON text
 *    (by the regtest simulator's own renderer) and verbosity 0 (the serialized block as hex). Each block
 *    is put through the watcher's real code for its path: the JSON-RPC answer check and lossless parse
 *    (interpretRpcAnswer), then decodeBlock (old path, JSON) or decodeRawBlock (new path, raw), then
 *    P2PKH extraction, the watched-address lookup in PostgreSQL (watchedByPubkeyHashes, one query per
 *    block on a fresh database with the watcher's migrations and BENCH_WATCHED, default 100,000,
 *    addresses) and matching. A fifth case is the scanner as it runs now: raw, with the in-memory
 *    watched set (WatchedHashes, refreshed before each block) in front of the table lookup. Not included: the HTTP round trip to the node, getrawtransaction for the
 *    matched outputs, and the commit of the block (see part 2 for the whole path). Side by side in the
 *    same run, interleaved block by block: parse + decode alone (the baseline) for each path, and the
 *    full scan for each path. BENCH_BLOCKS (default 10) blocks per case. Then the scanner as it runs in
 *    catch-up: the follower's BlockPrefetcher (BENCH_PREFETCH, default 4) over the watcher's DogecoinNode,
 *    decoding inline and on the worker thread, with the event loop's busy time per block. The first line
 *    states the CPU count and the load average before; the load average after is printed with the results.
 *
 * 2. Credit latency on the running stack (simulator, watcher, Kafka, wallet as processes): for each of
 *    BENCH_SAMPLES (default 30) users in turn, a deposit is paid and buried under 5 blocks; once the
 *    wallet shows it with 5 confirmations, the block that gives the 6th is mined through the
 *    simulator's control surface, and the time until the wallet's GET /v1/balance shows the credit is
 *    measured, polling every 10 ms. A sample during which someone else mined (the stack is shared) is
 *    discarded and counted. Side by side: the time until the watcher's
 *    dbay_deposit_watcher_scanned_height metric reaches that block. The stack's watcher polls every
 *    DEPOSIT_POLL_INTERVAL_MS (200 ms, set by services/deposit-watcher/stack.env.sh).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Block, payments, Transaction } from 'bitcoinjs-lib';
import { regtest } from '@dbay/dogecoin';
import { buildCoinbase, setWitnessCommitment } from '../../tools/regtest-node/src/blocks.js';
import type { BlockRecord, ChainState } from '../../tools/regtest-node/src/chainstate.js';
import { writeCoreJson } from '../../tools/regtest-node/src/core-json.js';
import { blockToJson } from '../../tools/regtest-node/src/rpc/views.js';
import { Registry } from 'prom-client';
import { pino } from 'pino';
import {
  interpretRpcAnswer,
  mayCarryAmounts,
  RpcResultReader,
  type DogecoinRpcClient,
} from '@dbay/chain-rpc';
import { decodeBlock } from '../../services/deposit-watcher/src/adapters/rpc/decode.js';
import { decodeRawBlock } from '../../services/deposit-watcher/src/adapters/rpc/raw-block.js';
import { DogecoinNode } from '../../services/deposit-watcher/src/adapters/rpc/dogecoin-node.js';
import {
  inlineRawBlockDecoder,
  WorkerRawBlockDecoder,
  type RawBlockDecoder,
} from '../../services/deposit-watcher/src/adapters/rpc/raw-block-decoder.js';
import { createWatcherMetrics } from '../../services/deposit-watcher/src/adapters/watcher-metrics.js';
import { BlockPrefetcher } from '../../services/deposit-watcher/src/use-cases/follow-chain.js';
import type { ScanDependencies } from '../../services/deposit-watcher/src/use-cases/dependencies.js';
import type { ChainBlock } from '../../services/deposit-watcher/src/domain/chain.js';
import { onDatabase } from '@dbay/testing';
import { loadAverage, machineLine } from '../support/machine.js';
import {
  watchedByPubkeyHashes,
  WatchedHashes,
} from '../../services/deposit-watcher/src/adapters/db/watched-addresses.js';
import {
  distinctPubkeyHashes,
  matchPayments,
  p2pkhPayments,
} from '../../services/deposit-watcher/src/domain/matching.js';
import {
  createTestDatabase,
  type TestDatabase,
} from '../../services/deposit-watcher/test/support/harness.js';
import {
  balanceOf,
  chainControl,
  depositsOf,
  newWalletUser,
  watcherMetric,
  type WalletUser,
} from '../../e2e/deposit-support.js';

const WATCHED = Number(process.env.BENCH_WATCHED ?? 100_000);
const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 10);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 30);
/** Blocks the catch-up cases fetch ahead (the watcher's DEPOSIT_BLOCK_PREFETCH default). */
const PREFETCH = Number(process.env.BENCH_PREFETCH ?? 4);
/** Distinct full blocks built; the scan cycles through them (building is slower than scanning). */
const DISTINCT_BLOCKS = 5;
const MAX_BLOCK_BYTES = 1_000_000;
/** Outputs per block that pay a watched address (the rest pay strangers). */
const DEPOSITS_PER_BLOCK = 10;
const POLL_MS = 10;
const CREDIT_TIMEOUT_MS = 30_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const f = (v: number) => v.toFixed(0).padStart(5);
  return `p50 ${f(percentile(sorted, 50))} ms  p90 ${f(percentile(sorted, 90))} ms  p99 ${f(percentile(sorted, 99))} ms  max ${f(sorted.at(-1)!)} ms  (n=${sorted.length})`;
}

const p2pkh = (hash: Buffer) => payments.p2pkh({ hash, network: regtest });

// ------------------------------------------------------------------ part 1: scan throughput

interface RenderedBlock {
  hash: string;
  height: number;
  /** The whole JSON-RPC answer as Core writes it, at verbosity 2. */
  answer: string;
  /** The same at verbosity 0: the serialized block as a hex string. */
  rawAnswer: string;
  transactions: number;
  bytes: number;
}

/** A block just under 1 MB of P2PKH spends; `depositHashes` are paid once each among the outputs. */
function fullBlock(height: number, depositHashes: Buffer[]): RenderedBlock {
  const coinbase = buildCoinbase(height, 1, p2pkh(randomBytes(20)).output!, 500_000n * 100_000_000n);
  const transactions: Transaction[] = [];
  let bytes = 80 + 3 + coinbase.byteLength() + 38;
  const deposits = [...depositHashes];
  for (;;) {
    const tx = new Transaction();
    tx.version = 1;
    // A P2PKH scriptSig's shape: a 72-byte signature push and a 33-byte key push (not verified here).
    tx.addInput(
      randomBytes(32),
      0,
      0xffffffff,
      Buffer.concat([Buffer.from([72]), randomBytes(72), Buffer.from([33]), randomBytes(33)]),
    );
    const payee = deposits.pop() ?? randomBytes(20);
    tx.addOutput(p2pkh(payee).output!, BigInt(100_000_000 + Math.floor(Math.random() * 1e9)));
    tx.addOutput(p2pkh(randomBytes(20)).output!, BigInt(1_000_000 + Math.floor(Math.random() * 1e9)));
    if (bytes + tx.byteLength() > MAX_BLOCK_BYTES) break;
    bytes += tx.byteLength();
    transactions.push(tx);
  }
  setWitnessCommitment(coinbase, transactions);
  const all = [coinbase, ...transactions];
  const block = new Block();
  block.version = 0x00620004;
  block.prevHash = randomBytes(32);
  block.merkleRoot = Block.calculateMerkleRoot(all);
  block.timestamp = 1_700_000_000 + height;
  block.bits = 0x207fffff;
  block.nonce = 0;
  block.transactions = all;
  const hash = block.getId();
  const record = {
    hash,
    height,
    prevHash: Buffer.from(block.prevHash).reverse().toString('hex'),
    block,
    transactions: all,
    txids: all.map((tx) => tx.getId()),
    size: block.byteLength(),
    chainWork: BigInt(height + 1) * 2n,
    seq: 0,
    failed: false,
  } as BlockRecord;
  const chain = {
    contains: () => true,
    height: height + 1,
    next: () => undefined,
    medianTimePast: () => block.timestamp,
  } as unknown as ChainState;
  const answer = `{"result":${writeCoreJson(blockToJson(chain, record, true))},"error":null,"id":1}\n`;
  const rawAnswer = `{"result":"${block.toHex()}","error":null,"id":1}\n`;
  return { hash, height, answer, rawAnswer, transactions: all.length, bytes: record.size };
}

async function scanThroughput(): Promise<void> {
  console.log(`\n1. Scan throughput, scanner fed directly with full blocks (${BLOCKS} blocks per case)`);
  const watchedHashes = Array.from({ length: WATCHED }, () => randomBytes(20));
  const started = Date.now();
  const blocks = Array.from({ length: DISTINCT_BLOCKS }, (_, i) =>
    fullBlock(1_000 + i, watchedHashes.slice(i * DEPOSITS_PER_BLOCK, (i + 1) * DEPOSITS_PER_BLOCK)),
  );
  const first = blocks[0]!;
  console.log(
    `   built ${DISTINCT_BLOCKS} blocks in ${((Date.now() - started) / 1000).toFixed(1)} s: ${first.transactions} transactions, ` +
      `${first.bytes} bytes, ${(first.answer.length / 1e6).toFixed(1)} MB of getblock JSON and ` +
      `${(first.rawAnswer.length / 1e6).toFixed(1)} MB of raw hex each`,
  );

  // One database for both full scans (the lookups only read it), so the paths see the same table.
  const many = await createTestDatabase();
  try {
    // Watched over the last ~100 days, one every 90 s, newest last, as a live table holds them. The
    // in-memory set's refresh re-reads the rows watched within its overlap (60 s) of the newest: with
    // every row stamped now it would re-read all 100k before each block, which only a bulk import does
    // (the first run of this case measured that by accident: ~300 ms of lookup a block).
    const now = Date.now();
    const rows = watchedHashes.map((hash, index) => {
      const at = new Date(now - (watchedHashes.length - index) * 90_000);
      return {
        address: p2pkh(hash).address!,
        pubkey_hash: hash.toString('hex'),
        user_id: `bench-user-${index}`,
        derivation_path: `m/44'/3'/0'/0/${index}`,
        address_index: index,
        assigned_at: at,
        watched_at: at,
        assigned_event_id: randomUUID(),
        backfilled: true,
      };
    });
    await many.knex.batchInsert('watched_addresses', rows, 5_000);
    await onDatabase(many.adminUrl, (db) => db.raw('ANALYZE deposit_watcher.watched_addresses'));

    interface Case {
      label: string;
      format: 'json' | 'raw';
      /** Undefined: parse and decode only (the baseline of its path). */
      database: TestDatabase | undefined;
      /** Set: the scanner's in-memory watched set filters the hashes before the table is asked. */
      watchedHashes: WatchedHashes | undefined;
      totalMs: number;
      lookupMs: number;
      /** The answer check, parse and decode alone. */
      parseMs: number;
      blocks: number;
      matched: number;
    }
    const newCase = (
      label: string,
      format: Case['format'],
      database?: TestDatabase,
      watchedHashes?: WatchedHashes,
    ): Case => ({
      label,
      format,
      database,
      watchedHashes,
      totalMs: 0,
      lookupMs: 0,
      parseMs: 0,
      blocks: 0,
      matched: 0,
    });
    // As the scanner holds it (loaded once here; refreshed before each block below, as prepareBlock does).
    const inMemory = new WatchedHashes(many.knex, 60_000);
    await inMemory.refresh();
    const watchedLabel = `${WATCHED.toLocaleString('en')} watched addresses`;
    const cases: Case[] = [
      newCase('old path (JSON): parse + decode only', 'json'),
      newCase('new path (raw): parse + decode only', 'raw'),
      newCase(`old path (JSON): full scan, ${watchedLabel}`, 'json', many),
      newCase(`new path (raw): full scan, ${watchedLabel}`, 'raw', many),
      newCase(`new path (raw) + watched set in memory, ${watchedLabel}`, 'raw', many, inMemory),
    ];
    const decode = (format: Case['format'], rendered: RenderedBlock): ChainBlock => {
      if (format === 'json')
        return decodeBlock(interpretRpcAnswer('getblock', 1, 200, rendered.answer), rendered);
      // As the client's getBlockHex reads it: the envelope, then the result checked as hex.
      const hex = new RpcResultReader('getblock').hex(
        interpretRpcAnswer('getblock', 1, 200, rendered.rawAnswer, {
          amounts: mayCarryAmounts('getblock', ['', 0]),
        }),
        'result',
      );
      return decodeRawBlock(hex, rendered);
    };
    const scan = async (item: Case, index: number): Promise<void> => {
      const rendered = blocks[index % blocks.length]!;
      const t0 = performance.now();
      const block = decode(item.format, rendered);
      item.parseMs += performance.now() - t0;
      if (item.database !== undefined) {
        const t1 = performance.now();
        // As connect-block's prepareBlock does: refresh, then keep only the hashes in the set.
        const filter = item.watchedHashes;
        if (filter !== undefined) await filter.refresh();
        const paid = p2pkhPayments(block.transactions, filter && ((hash) => filter.has(hash)));
        const watched =
          paid.length === 0
            ? new Map()
            : await watchedByPubkeyHashes(item.database.knex, distinctPubkeyHashes(paid));
        item.matched += matchPayments(paid, watched).length;
        item.lookupMs += performance.now() - t1;
      }
      item.totalMs += performance.now() - t0;
      item.blocks += 1;
    };
    // Warm-up (JIT, PostgreSQL caches), not counted.
    for (const item of cases) await scan({ ...item }, 0);
    // Interleaved: the machine is shared, so each case sees the same spread of its load.
    for (let i = 0; i < BLOCKS; i++) for (const item of cases) await scan(item, i);
    for (const item of cases) {
      const perSecond = (item.blocks * 1000) / item.totalMs;
      console.log(
        `   ${item.label.padEnd(74)} ${perSecond.toFixed(2).padStart(7)} blocks/s  ${(item.totalMs / item.blocks).toFixed(0).padStart(5)} ms/block` +
          (item.database === undefined
            ? ''
            : `  (parse + decode ${(item.parseMs / item.blocks).toFixed(0)}, lookup + match ${(item.lookupMs / item.blocks).toFixed(0)} ms/block, matched ${item.matched})`),
      );
    }

    // The scanner as it runs in catch-up: the follower's own BlockPrefetcher (PREFETCH blocks ahead)
    // over the watcher's DogecoinNode, whose client here answers getblockhash and getblock <hash> 0
    // from the rendered blocks through the client's own answer check and parse (no HTTP). Each block is
    // fetched, decoded (inline, or on the worker thread as main.ts wires it), matched against the
    // in-memory set and the table, and its matched transactions checked, while the next ones are
    // fetched and decoded ahead; it is taken in height order. Not included: the commit.
    const byHeight = (height: number): RenderedBlock => blocks[height % blocks.length]!;
    const byHash = new Map(blocks.map((rendered) => [rendered.hash, rendered]));
    const client = {
      getBlockHash: (height: number) => Promise.resolve(byHeight(height).hash),
      getBlockHex: (hash: string) =>
        Promise.resolve().then(() =>
          new RpcResultReader('getblock').hex(
            interpretRpcAnswer('getblock', 1, 200, byHash.get(hash)!.rawAnswer, { amounts: false }),
            'result',
          ),
        ),
      getRawTransactionHex: () => Promise.reject(new Error('raw blocks carry their transactions')),
      breakerState: 'closed',
      shutdown: () => undefined,
    } as unknown as DogecoinRpcClient;
    interface CatchUp {
      label: string;
      decoder: RawBlockDecoder;
      totalMs: number;
      /** Of which the event loop was busy (not waiting for the worker, the database or a timer). */
      busyMs: number;
      blocks: number;
      matched: number;
    }
    const worker = new WorkerRawBlockDecoder({
      onWorkerFailure: (reason) => {
        throw new Error(`the decoding worker failed: ${reason}`);
      },
    });
    const catchUps: CatchUp[] = [
      { label: `catch-up, decode inline, prefetch ${PREFETCH}`, decoder: inlineRawBlockDecoder },
      { label: `catch-up, decode on a worker thread, prefetch ${PREFETCH}`, decoder: worker },
    ].map((each) => ({ ...each, totalMs: 0, busyMs: 0, blocks: 0, matched: 0 }));
    const catchUp = async (item: CatchUp, count: number): Promise<void> => {
      const watched = new WatchedHashes(many.knex, 60_000);
      await watched.refresh();
      const deps: ScanDependencies = {
        knex: many.knex,
        node: new DogecoinNode(client, { rawBlockDecoder: item.decoder }),
        logger: pino({ level: 'silent' }),
        metrics: createWatcherMetrics(new Registry()),
        now: () => new Date(),
        watchedHashes: watched,
        settings: {
          network: 'regtest',
          requiredConfirmations: 6,
          mempoolDropPolls: 3,
          maxBlocksPerPoll: 500,
          blockPrefetch: PREFETCH,
          mempoolFetchLimit: 2_000,
          backfillMarginMs: 60_000,
        },
      };
      const prefetcher = new BlockPrefetcher(deps, PREFETCH);
      const first = 1_000;
      const t0 = performance.now();
      const loop0 = performance.eventLoopUtilization();
      for (let height = first; height < first + count; height += 1) {
        const prepared = await prefetcher.take(height, first + count - 1);
        if (prepared?.block.height !== height) throw new Error(`catch-up: no block at ${height}`);
        item.matched += prepared.matched.length;
      }
      item.totalMs += performance.now() - t0;
      item.busyMs += performance.eventLoopUtilization(loop0).active;
      item.blocks += count;
    };
    try {
      worker.start();
      // Warm-up (the worker's start, JIT), not counted.
      for (const item of catchUps) await catchUp({ ...item }, DISTINCT_BLOCKS);
      // Alternated in halves, so both see the same spread of the machine's load.
      const halves = [Math.ceil(BLOCKS / 2), Math.floor(BLOCKS / 2)];
      for (const half of halves) for (const item of catchUps) await catchUp(item, half);
    } finally {
      await worker.close();
    }
    for (const item of catchUps) {
      const perSecond = (item.blocks * 1000) / item.totalMs;
      console.log(
        `   ${`new path (raw) + watched set, ${item.label}`.padEnd(74)} ${perSecond.toFixed(2).padStart(7)} blocks/s  ${(item.totalMs / item.blocks).toFixed(0).padStart(5)} ms/block  (event loop busy ${(item.busyMs / item.blocks).toFixed(0)} ms/block, matched ${item.matched})`,
      );
    }
    console.log(`   load average after: ${loadAverage()}`);
    const expected = BLOCKS * DEPOSITS_PER_BLOCK;
    for (const item of catchUps) {
      if (item.matched !== expected)
        throw new Error(`${item.label}: matched ${item.matched} deposits, expected ${expected}`);
    }
    for (const item of cases.filter((c) => c.database !== undefined)) {
      if (item.matched !== expected)
        throw new Error(`${item.label}: matched ${item.matched} deposits, expected ${expected}`);
    }
  } finally {
    await many.drop();
  }
}

// ------------------------------------------------------------------ part 2: credit latency on the stack

async function creditLatency(): Promise<void> {
  console.log(
    `\n2. Block with the 6th confirmation -> balance credited, on the running stack (${SAMPLES} deposits)`,
  );
  const control = chainControl();
  const users: WalletUser[] = [];
  for (let i = 0; i < SAMPLES; i++) users.push(await newWalletUser());
  // Let the watcher learn the addresses from deposit-address.assigned before they are paid.
  await sleep(2_000);

  const credit: number[] = [];
  const scanned: number[] = [];
  let discarded = 0;
  for (const user of users) {
    // One deposit at a time: pay it, bury it under 5 confirmations, wait until the wallet shows
    // exactly 5, then time the one block that gives the 6th.
    await control.fund([{ address: user.address, amount: '10' }]);
    const [fundingHash] = await control.mine(1);
    const fundingHeight = (await control.rpc<{ height: number }>('getblockheader', [fundingHash])).height;
    await control.mine(4);
    const deadline = Date.now() + CREDIT_TIMEOUT_MS;
    let confirmations = 0;
    while (confirmations < 5) {
      if (Date.now() > deadline)
        throw new Error(`user ${user.userId}: the wallet never showed 5 confirmations`);
      await sleep(POLL_MS);
      confirmations = Math.max(0, ...(await depositsOf(user.userId)).map((d) => d.confirmations));
    }
    const sixth = fundingHeight + 5;
    // The stack is shared: another test mining meanwhile would make this sample meaningless.
    if (confirmations > 5 || (await balanceOf(user.userId)).available !== '0.00000000') {
      discarded += 1;
      continue;
    }
    const t0 = performance.now();
    const [hash] = await control.mine(1);
    let scannedAt: number | undefined;
    for (;;) {
      if (
        scannedAt === undefined &&
        ((await watcherMetric('dbay_deposit_watcher_scanned_height')) ?? -1) >= sixth
      )
        scannedAt = performance.now() - t0;
      if ((await balanceOf(user.userId)).available === '10.00000000') break;
      if (performance.now() - t0 > CREDIT_TIMEOUT_MS) throw new Error(`user ${user.userId} was not credited`);
      await sleep(POLL_MS);
    }
    const elapsed = performance.now() - t0;
    if ((await control.rpc<{ height: number }>('getblockheader', [hash])).height !== sixth) {
      discarded += 1;
      continue;
    }
    credit.push(elapsed);
    scanned.push(scannedAt ?? elapsed);
  }
  if (credit.length === 0) throw new Error('every sample was disturbed by other blocks being mined');
  console.log(`   block mined -> watcher scanned it      ${summary(scanned)}`);
  console.log(`   block mined -> wallet balance credited ${summary(credit)}   target p99 < 1000 ms`);
  if (discarded > 0)
    console.log(`   (${discarded} samples discarded: someone else mined a block during them)`);
}

console.log(machineLine('bench:deposits'));
const part = process.argv[2];
if (part === undefined || part === 'scan') await scanThroughput();
if (part === undefined || part === 'latency') await creditLatency();
process.exit(0);
