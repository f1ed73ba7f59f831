// Proves the saga's chain port over the shared node client, against an in-process stand-in for the
// node: a transaction the node does not know is "not found" (the tracker then rebroadcasts), one in
// the mempool has 0 confirmations and no block, a mined one gets its block's height from
// getblockheader; a spent or missing output is not unspent; and a refused broadcast keeps Core's code
// and bare message, so "already in the mempool" still reads as success.
import { expect } from 'chai';
import { RpcError, RPC_TRANSACTION_REJECTED, RpcMalformedAnswerError } from '@dbay/chain-rpc';
import { errorAnswer, FakeNode, resultAnswer, type Answer } from '@dbay/chain-rpc/testing';
import type { DogecoinRpcClient } from '@dbay/chain-rpc';
import { NodeChain } from '../src/adapters/node-chain.js';
import { classifyBroadcastError } from '../src/domain/broadcast.js';

const TXID = '0a'.repeat(32);
const BLOCK_HASH = 'bb'.repeat(32);

/** Answers each method with its own answer. */
function byMethod(answers: Record<string, Answer>): Answer {
  return (request, response) => answers[request.method]!(request, response);
}

describe('NodeChain (the saga over @dbay/chain-rpc)', () => {
  let fake: FakeNode;
  let client: DogecoinRpcClient;
  let chain: NodeChain;

  beforeEach(async () => {
    fake = await FakeNode.start();
    client = fake.client();
    chain = new NodeChain(client);
  });
  afterEach(async () => {
    client.shutdown();
    await fake.stop();
  });

  it('finds a transaction not known, in the mempool, or mined at a height', async () => {
    fake.answer = errorAnswer(-5, 'No such mempool or blockchain transaction');
    expect(await chain.findTransaction(TXID)).to.equal(undefined);
    fake.answer = resultAnswer(`{"txid":"${TXID}","hex":"0100","vout":[]}`);
    expect(await chain.findTransaction(TXID)).to.deep.equal({
      confirmations: 0,
      blockHash: null,
      blockHeight: null,
    });
    fake.answer = byMethod({
      getrawtransaction: resultAnswer(`{"txid":"${TXID}","blockhash":"${BLOCK_HASH}","confirmations":6}`),
      getblockheader: resultAnswer(`{"hash":"${BLOCK_HASH}","height":1234,"confirmations":6}`),
    });
    expect(await chain.findTransaction(TXID)).to.deep.equal({
      confirmations: 6,
      blockHash: BLOCK_HASH,
      blockHeight: 1234,
    });
    expect(fake.requests.map((request) => [request.method, request.params])).to.deep.equal([
      ['getrawtransaction', [TXID, 1]],
      ['getrawtransaction', [TXID, 1]],
      ['getrawtransaction', [TXID, 1]],
      ['getblockheader', [BLOCK_HASH]],
    ]);
  });

  it('finds nothing for a transaction only in a block a reorganisation disconnected and in no mempool', async () => {
    // Core 1.14's -txindex still answers with the old block and 0 confirmations; only the mempool says
    // whether the node really holds it.
    const staleAnswer = resultAnswer(`{"txid":"${TXID}","blockhash":"${BLOCK_HASH}","confirmations":0}`);
    fake.answer = byMethod({
      getrawtransaction: staleAnswer,
      getmempoolentry: errorAnswer(-5, 'Transaction not in mempool'),
    });
    expect(await chain.findTransaction(TXID)).to.equal(undefined);
    fake.answer = byMethod({
      getrawtransaction: staleAnswer,
      getmempoolentry: resultAnswer('{"size":226,"fee":0.00226,"depends":[]}'),
    });
    expect(await chain.findTransaction(TXID)).to.deep.equal({
      confirmations: 0,
      blockHash: null,
      blockHeight: null,
    });
    expect(fake.requests.map((request) => request.method)).to.deep.equal([
      'getrawtransaction',
      'getmempoolentry',
      'getrawtransaction',
      'getmempoolentry',
    ]);
  });

  it("reads a block's depth on the best chain, -1 off it, and nothing for a block the node does not know", async () => {
    fake.answer = resultAnswer(`{"hash":"${BLOCK_HASH}","height":1234,"confirmations":7}`);
    expect(await chain.blockDepth(BLOCK_HASH)).to.equal(7);
    fake.answer = resultAnswer(`{"hash":"${BLOCK_HASH}","height":1234,"confirmations":-1}`);
    expect(await chain.blockDepth(BLOCK_HASH)).to.equal(-1);
    fake.answer = errorAnswer(-5, 'Block not found');
    expect(await chain.blockDepth(BLOCK_HASH)).to.equal(undefined);
    fake.answer = resultAnswer(`{"hash":"${BLOCK_HASH}","height":1234,"confirmations":-2}`);
    expect(await chain.blockDepth(BLOCK_HASH).catch((failure: unknown) => failure)).to.be.instanceOf(
      RpcMalformedAnswerError,
    );
  });

  it('refuses a sighting it cannot read instead of guessing its depth', async () => {
    fake.answer = resultAnswer(`{"txid":"${TXID}","blockhash":"${BLOCK_HASH}","confirmations":6.5}`);
    const error = await chain.findTransaction(TXID).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).to.be.instanceOf(RpcMalformedAnswerError);
  });

  it('tells an unspent output from a spent or missing one', async () => {
    fake.answer = resultAnswer(
      `{"bestblock":"${BLOCK_HASH}","confirmations":0,"value":0.5,"scriptPubKey":{"hex":"51"},"coinbase":false}`,
    );
    expect(await chain.isUnspent(TXID, 1)).to.equal(true);
    fake.answer = resultAnswer('null');
    expect(await chain.isUnspent(TXID, 1)).to.equal(false);
    expect(fake.requests.map((request) => request.params)).to.deep.equal([
      [TXID, 1, true],
      [TXID, 1, true],
    ]);
  });

  it("keeps a refused broadcast's code and Core's bare message for the domain to read", async () => {
    fake.answer = errorAnswer(RPC_TRANSACTION_REJECTED, '18: txn-already-in-mempool');
    const error = await chain.sendRawTransaction('0100').then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error)
      .to.be.instanceOf(RpcError)
      .and.include({ code: -26, rpcMessage: '18: txn-already-in-mempool' });
    const refused = error as RpcError;
    expect(classifyBroadcastError(refused.code, refused.rpcMessage)).to.deep.equal({ kind: 'already-known' });
    fake.answer = errorAnswer(RPC_TRANSACTION_REJECTED, '66: min relay fee not met');
    const low = (await chain.sendRawTransaction('0100').catch((failure: unknown) => failure)) as RpcError;
    expect(classifyBroadcastError(low.code, low.rpcMessage)).to.deep.equal({
      kind: 'rejected',
      message: '-26: 66: min relay fee not met',
    });
    fake.answer = resultAnswer(`"${TXID}"`);
    expect(await chain.sendRawTransaction('0100')).to.equal(TXID);
  });
});
