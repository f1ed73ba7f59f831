// Proves that decoding raw blocks on a worker thread changes nothing but the thread: the worker gives
// exactly what the inline decoder gives (a real merge-mined mainnet block, a real Core 1.14 block), a
// block it refuses is a RawBlockError here too, so the node adapter still reads that block as JSON; many
// blocks in flight each resolve to their own block; a worker that dies, cannot start or stops answering
// is reported and its blocks are decoded inline (none lost, no poll hanging); and the follower's
// prefetcher, fed by the worker with answers arriving out of order, hands blocks out strictly by height
// and, after a reorg's reset, never a block fetched from the chain it left.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { Block, payments, Transaction } from 'bitcoinjs-lib';
import { Registry } from 'prom-client';
import { pino } from 'pino';
import { regtest } from '@dbay/dogecoin';
import type { DogecoinRpcClient } from '@dbay/chain-rpc';
import { resultAnswer, FakeNode } from '@dbay/chain-rpc/testing';
import type { WatchedHashes } from '../../src/adapters/db/watched-addresses.js';
import { DogecoinNode } from '../../src/adapters/rpc/dogecoin-node.js';
import { decodeRawBlock, RawBlockError } from '../../src/adapters/rpc/raw-block.js';
import { WorkerRawBlockDecoder } from '../../src/adapters/rpc/raw-block-decoder.js';
import { createWatcherMetrics } from '../../src/adapters/watcher-metrics.js';
import type { ScanDependencies } from '../../src/use-cases/dependencies.js';
import { BlockPrefetcher } from '../../src/use-cases/follow-chain.js';

interface BlockFixture {
  hash: string;
  hex: string;
  height?: number;
  verbosity2?: string;
}

const fixture = (name: string): BlockFixture =>
  JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as BlockFixture;
const mainnet = fixture('mainnet-merge-mined-block.json');
const mainnetRef = { hash: mainnet.hash, height: 4_845_051 };
const core = fixture('core-1.14-regtest-block-242.json');
const coreRef = { hash: core.hash, height: core.height! };

const failure = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

interface RawBlock {
  hash: string;
  height: number;
  hex: string;
}

/** `length` small regtest blocks on top of `parent` (raw bytes, real header hashes and merkle roots). */
function chainOn(parent: RawBlock | undefined, length: number): RawBlock[] {
  const blocks: RawBlock[] = [];
  let previous = parent;
  for (let i = 0; i < length; i += 1) {
    const height = (previous?.height ?? -1) + 1;
    const transactions = Array.from({ length: 1 + (height % 4) * 20 }, (_, index) => {
      const tx = new Transaction();
      tx.version = 1;
      tx.addInput(index === 0 ? Buffer.alloc(32) : randomBytes(32), index === 0 ? 0xffffffff : 0);
      tx.addOutput(
        payments.p2pkh({ hash: randomBytes(20), network: regtest }).output!,
        100_000_000n + BigInt(i),
      );
      return tx;
    });
    const block = new Block();
    block.version = 0x00620004;
    block.prevHash = previous === undefined ? Buffer.alloc(32) : Buffer.from(previous.hash, 'hex').reverse();
    block.merkleRoot = Block.calculateMerkleRoot(transactions);
    block.timestamp = 1_700_000_000 + height;
    block.bits = 0x207fffff;
    block.nonce = 0;
    block.transactions = transactions;
    previous = { hash: block.getId(), height, hex: block.toHex() };
    blocks.push(previous);
  }
  return blocks;
}

describe('raw block decoding on a worker thread', () => {
  // One worker for the specs that expect it to work (it takes a moment to start); each failure spec
  // makes its own.
  let decoder: WorkerRawBlockDecoder;
  let failures: string[];

  before(() => {
    decoder = new WorkerRawBlockDecoder({ onWorkerFailure: (reason) => failures.push(reason) });
    decoder.start();
  });
  beforeEach(() => {
    failures = [];
  });
  after(async () => {
    await decoder.close();
  });

  /** A decoder of its own over a worker entry that fails, closed after `run`. */
  const withFailingWorker = async (
    name: string,
    run: (own: WorkerRawBlockDecoder) => Promise<void>,
    timeoutMs?: number,
  ): Promise<void> => {
    const own = new WorkerRawBlockDecoder({
      entry: new URL(`../fixtures/workers/${name}.mjs`, import.meta.url),
      timeoutMs,
      onWorkerFailure: (reason) => failures.push(reason),
    });
    try {
      await run(own);
    } finally {
      await own.close();
    }
  };

  it('gives exactly what the inline decoder gives, AuxPoW and all', async () => {
    expect(await decoder.decode(mainnet.hex, mainnetRef)).to.deep.equal(
      decodeRawBlock(mainnet.hex, mainnetRef),
    );
    expect(await decoder.decode(core.hex, coreRef)).to.deep.equal(decodeRawBlock(core.hex, coreRef));
    expect(failures).to.deep.equal([]);
  });

  it('refuses what the inline decoder refuses, with a RawBlockError and the same reason', async () => {
    const cases: Array<[string, { hash: string; height: number }]> = [
      [`${mainnet.hex}00`, mainnetRef],
      [mainnet.hex.slice(0, -2), mainnetRef],
      [mainnet.hex, { ...mainnetRef, hash: 'ab'.repeat(32) }],
      [`${mainnet.hex}0`, mainnetRef],
    ];
    for (const [hex, expected] of cases) {
      const inline = await failure(Promise.resolve().then(() => decodeRawBlock(hex, expected)));
      const worker = await failure(decoder.decode(hex, expected));
      expect(inline).to.be.instanceOf(RawBlockError);
      expect(worker)
        .to.be.instanceOf(RawBlockError)
        .with.property('message', (inline as Error).message);
    }
    expect(failures).to.deep.equal([]);
  });

  it('resolves each of many blocks in flight to its own block', async () => {
    const blocks = chainOn(undefined, 12);
    const decoded = await Promise.all(blocks.map((block) => decoder.decode(block.hex, block)));
    expect(decoded.map((block) => [block.height, block.hash])).to.deep.equal(
      blocks.map((block) => [block.height, block.hash]),
    );
    for (const [index, block] of decoded.entries()) {
      expect(block).to.deep.equal(decodeRawBlock(blocks[index]!.hex, blocks[index]!));
    }
  });

  it('lets the node adapter read a block the worker refuses as JSON, as the inline decoder does', async () => {
    const fake = await FakeNode.start();
    const client = fake.client();
    const fallbacks: string[] = [];
    const node = new DogecoinNode(client, {
      rawBlockDecoder: decoder,
      onRawBlockFallback: (_hash, reason) => fallbacks.push(reason),
    });
    try {
      let calls = 0;
      fake.answer = (request, response) =>
        (calls++ === 0 ? resultAnswer(`"${core.hex}00"`) : resultAnswer(core.verbosity2!))(request, response);
      const block = await node.getBlock(core.hash, core.height!);
      expect(block.transactions.map((tx) => tx.txid)).to.deep.equal(
        decodeRawBlock(core.hex, coreRef).transactions.map((tx) => tx.txid),
      );
      expect(fallbacks).to.deep.equal(['1 bytes after the last transaction']);
    } finally {
      client.shutdown();
      await fake.stop();
    }
  });

  it('decodes inline, and says so, when the worker dies; the next block gets a new worker', async () => {
    await withFailingWorker('exits', async (own) => {
      const blocks = chainOn(undefined, 3);
      const decoded = await Promise.all(blocks.map((block) => own.decode(block.hex, block)));
      expect(decoded.map((block) => block.hash)).to.deep.equal(blocks.map((block) => block.hash));
      expect(failures).to.deep.equal(['worker exited with code 3']);
      expect((await own.decode(core.hex, coreRef)).hash).to.equal(core.hash);
      expect(failures).to.deep.equal(['worker exited with code 3', 'worker exited with code 3']);
    });
  });

  it('decodes inline when the worker cannot start', async () => {
    await withFailingWorker('broken', async (own) => {
      expect(await own.decode(core.hex, coreRef)).to.deep.equal(decodeRawBlock(core.hex, coreRef));
      expect(failures).to.deep.equal(['worker error: this worker cannot start']);
    });
  });

  it('decodes inline when no worker thread can even be made (the constructor throws)', async () => {
    // Node refuses a worker entry that is not a file or data URL synchronously, in the constructor.
    const own = new WorkerRawBlockDecoder({
      entry: new URL('https://example.invalid/worker.mjs'),
      onWorkerFailure: (reason) => failures.push(reason),
    });
    try {
      expect(await own.decode(core.hex, coreRef)).to.deep.equal(decodeRawBlock(core.hex, coreRef));
      expect(await own.decode(core.hex, coreRef)).to.deep.equal(decodeRawBlock(core.hex, coreRef));
      expect(failures).to.have.length(2);
      expect(failures[0]).to.match(/^worker could not start: /);
    } finally {
      await own.close();
    }
  });

  it('decodes inline when the worker stops answering, rather than hanging the poll', async () => {
    await withFailingWorker(
      'silent',
      async (own) => {
        const started = Date.now();
        expect((await own.decode(core.hex, coreRef)).hash).to.equal(core.hash);
        expect(Date.now() - started).to.be.lessThan(5_000);
        expect(failures).to.deep.equal([`no answer for block ${core.hash} within 200 ms`]);
      },
      200,
    );
  });

  it('refuses blocks once closed, and rejects those still in flight', async () => {
    const own = new WorkerRawBlockDecoder();
    const pending = failure(own.decode(mainnet.hex, mainnetRef));
    await own.close();
    expect(await pending)
      .to.be.instanceOf(Error)
      .with.property('message', 'the raw block decoder was closed');
    expect(await failure(own.decode(core.hex, coreRef))).to.be.instanceOf(Error);
  });

  describe("the follower's prefetcher over the worker", () => {
    /** A node whose answers take 0-4 ms each, so blocks reach the worker out of height order. */
    const prefetcherOver = (best: () => Map<number, RawBlock>, depth: number): BlockPrefetcher => {
      const byHash = new Map<string, RawBlock>();
      const jitter = () => new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 5)));
      const client = {
        async getBlockHash(height: number) {
          const block = best().get(height); // the chain as it is when asked
          if (block !== undefined) byHash.set(block.hash, block);
          await jitter();
          return block?.hash;
        },
        async getBlockHex(hash: string) {
          await jitter();
          return byHash.get(hash)!.hex;
        },
      } as unknown as DogecoinRpcClient;
      const deps: ScanDependencies = {
        knex: undefined as unknown as Knex, // nothing here pays a watched address, so nothing is looked up
        node: new DogecoinNode(client, { rawBlockDecoder: decoder }),
        logger: pino({ level: 'silent' }),
        metrics: createWatcherMetrics(new Registry()),
        now: () => new Date(0),
        watchedHashes: { refresh: () => Promise.resolve(), has: () => false } as unknown as WatchedHashes,
        settings: {
          network: 'regtest',
          requiredConfirmations: 6,
          mempoolDropPolls: 3,
          maxBlocksPerPoll: 500,
          blockPrefetch: depth,
          mempoolFetchLimit: 100,
          backfillMarginMs: 0,
        },
      };
      return new BlockPrefetcher(deps, depth);
    };
    const asMap = (blocks: RawBlock[]) => new Map(blocks.map((block) => [block.height, block]));

    it('hands out blocks strictly by height, each building on the one before', async () => {
      const chain = chainOn(undefined, 16);
      const prefetcher = prefetcherOver(() => asMap(chain), 4);
      let previous: string | null = null;
      for (const expected of chain) {
        const prepared = await prefetcher.take(expected.height, chain.length - 1);
        expect([prepared?.block.height, prepared?.block.hash]).to.deep.equal([
          expected.height,
          expected.hash,
        ]);
        expect(prepared!.block.previousHash).to.equal(previous);
        previous = expected.hash;
      }
      expect(failures).to.deep.equal([]);
    });

    it('after a reorg reset, gives the new chain only, not blocks decoded ahead from the old one', async () => {
      const old = chainOn(undefined, 10);
      const fork = [...old.slice(0, 4), ...chainOn(old[3], 8)]; // heights 4..11 replaced
      let best = asMap(old);
      const prefetcher = prefetcherOver(() => best, 4);
      for (let height = 0; height <= 4; height += 1) {
        expect((await prefetcher.take(height, 9))?.block.hash).to.equal(old[height]!.hash);
      }
      // Heights 5..8 of the old chain are in flight (fetched, or on the worker) when the node switches.
      best = asMap(fork);
      const stale = await prefetcher.take(5, 9);
      expect(stale?.block.hash).to.equal(old[5]!.hash); // fetched before the switch, as before the worker
      prefetcher.reset();
      for (let height = 5; height <= 11; height += 1) {
        const prepared = await prefetcher.take(height, 11);
        expect(prepared?.block.hash).to.equal(fork[height]!.hash);
        expect(prepared?.block.previousHash).to.equal(fork[height - 1]!.hash);
      }
      expect(failures).to.deep.equal([]);
    });
  });
});
