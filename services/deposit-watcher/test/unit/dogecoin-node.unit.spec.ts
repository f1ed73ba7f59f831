// Proves the watcher's thin adapter over the shared node client, against an in-process stand-in for
// the node: a transaction the node does not know (-5) is absent rather than an error while any other
// RpcError still stops the caller, getblock is asked raw (verbosity 0) and, for a block whose bytes
// the raw reader refuses, again at verbosity 2 with the fallback reported (or at verbosity 2 only
// when so configured), decoded into the chain types, and every call and breaker change reaches the watcher's Prometheus metrics through the client's hooks.
import { expect } from 'chai';
import { Registry } from 'prom-client';
import { RpcError } from '@dbay/chain-rpc';
import { errorAnswer, FakeNode, resultAnswer } from '@dbay/chain-rpc/testing';
import { readFileSync } from 'node:fs';
import { DogecoinNode } from '../../src/adapters/rpc/dogecoin-node.js';
import { createWatcherMetrics } from '../../src/adapters/watcher-metrics.js';

const TXID = '02'.repeat(32);
const BLOCK_HASH = 'ab'.repeat(32);
const P2PKH = `76a914${'11'.repeat(20)}88ac`;
const TRANSACTION = `{"txid":"${TXID}","hex":"0100","vout":[{"value":0.10000001,"n":0,"scriptPubKey":{"hex":"${P2PKH}"}}]}`;

describe('DogecoinNode (the watcher over @dbay/chain-rpc)', () => {
  let fake: FakeNode;
  let node: DogecoinNode;
  let registry: Registry;

  beforeEach(async () => {
    fake = await FakeNode.start();
    registry = new Registry();
    node = new DogecoinNode(fake.client({ breaker: { volumeThreshold: 1 } }, createWatcherMetrics(registry)));
  });
  afterEach(async () => {
    await node.shutdown();
    await fake.stop();
  });

  it('reads a transaction the node does not know as absent, and lets other RpcErrors through', async () => {
    fake.answer = errorAnswer(-5, 'No such mempool or blockchain transaction');
    expect(await node.getTransaction(TXID)).to.equal(undefined);
    fake.answer = errorAnswer(-8, 'parameter 1 must be of length 64');
    const error = await node.getTransaction(TXID).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).to.be.instanceOf(RpcError).with.property('code', -8);
    fake.answer = resultAnswer(TRANSACTION);
    expect(await node.getTransaction(TXID)).to.deep.equal({
      txid: TXID,
      hex: '0100',
      outputs: [{ vout: 0, valueKoinu: 10_000_001n, scriptPubKeyHex: P2PKH }],
    });
    expect(fake.requests.map((request) => request.params)).to.deep.equal([
      [TXID, true],
      [TXID, true],
      [TXID, true],
    ]);
  });

  it('reads blocks raw, and a block whose bytes it refuses from the JSON, reporting the fallback', async () => {
    const core = JSON.parse(
      readFileSync(new URL('../fixtures/core-1.14-regtest-block-242.json', import.meta.url), 'utf8'),
    ) as { hash: string; hex: string; verbosity2: string };
    const fallbacks: Array<[string, string]> = [];
    const raw = new DogecoinNode(fake.client(), {
      onRawBlockFallback: (hash, reason) => fallbacks.push([hash, reason]),
    });
    try {
      fake.answer = resultAnswer(`"${core.hex}"`);
      const block = await raw.getBlock(core.hash, 242);
      expect(block.transactions.map((tx) => tx.txid)).to.have.length(2);
      expect(fallbacks).to.deep.equal([]);
      // A trailing byte: not exactly the block, so the same block is read again as JSON.
      let calls = 0;
      fake.answer = (request, response) =>
        (calls++ === 0 ? resultAnswer(`"${core.hex}00"`) : resultAnswer(core.verbosity2))(request, response);
      const again = await raw.getBlock(core.hash, 242);
      expect(again.transactions.map((tx) => tx.txid)).to.deep.equal(block.transactions.map((tx) => tx.txid));
      expect(fallbacks).to.deep.equal([[core.hash, '1 bytes after the last transaction']]);
      expect(fake.requests.map((request) => [request.method, request.params])).to.deep.equal([
        ['getblock', [core.hash, 0]],
        ['getblock', [core.hash, 0]],
        ['getblock', [core.hash, 2]],
      ]);
    } finally {
      await raw.shutdown();
    }
  });

  it('asks for blocks at verbosity 2 only when configured for JSON, and lists the mempool', async () => {
    await node.shutdown();
    node = new DogecoinNode(
      fake.client({ breaker: { volumeThreshold: 1 } }, createWatcherMetrics(new Registry())),
      {
        blockFormat: 'json',
      },
    );
    fake.answer = resultAnswer(`{"hash":"${BLOCK_HASH}","height":0,"tx":[${TRANSACTION}]}`);
    const block = await node.getBlock(BLOCK_HASH, 0);
    expect([block.hash, block.previousHash, block.transactions[0]!.outputs[0]!.valueKoinu]).to.deep.equal([
      BLOCK_HASH,
      null,
      10_000_001n,
    ]);
    fake.answer = resultAnswer(`["${TXID}"]`);
    expect(await node.getRawMempool()).to.deep.equal([TXID]);
    expect(fake.requests.map((request) => [request.method, request.params])).to.deep.equal([
      ['getblock', [BLOCK_HASH, 2]],
      ['getrawmempool', [false]],
    ]);
  });

  it('counts every call by outcome and the breaker state in the watcher metrics', async () => {
    fake.answer = errorAnswer(-5, 'No such mempool or blockchain transaction');
    await node.getTransaction(TXID);
    fake.answer = (_request, response) => {
      response.writeHead(502);
      response.end('<html>Bad Gateway</html>');
    };
    // Two failures out of three calls is over the 50 % threshold: the third is rejected.
    for (let call = 0; call < 3; call += 1) await node.getBlockCount().catch(() => undefined);
    const metrics = await registry.getMetricsAsJSON();
    const values = (name: string) =>
      metrics
        .find((metric) => metric.name === name)!
        .values.map(({ labels, value }) => ({ ...labels, value }));
    expect(values('dbay_deposit_watcher_rpc_calls_total')).to.deep.equal([
      { method: 'getrawtransaction', outcome: 'rpc-error', value: 1 },
      { method: 'getblockcount', outcome: 'failure', value: 2 },
      { method: 'getblockcount', outcome: 'rejected', value: 1 },
    ]);
    expect(node.breakerState).to.equal('open');
    expect(values('dbay_deposit_watcher_rpc_breaker_state')).to.deep.equal([{ value: 2 }]);
    expect(values('dbay_deposit_watcher_rpc_breaker_transitions_total')).to.deep.equal([
      { state: 'closed', value: 1 },
      { state: 'open', value: 1 },
    ]);
  });
});
