// Proves the client against a real HTTP server on a loopback port: it speaks JSON-RPC 1.0 with basic
// auth and reads amounts exactly; each way a call can fail comes out as its own coded error (Core's
// RpcError with code and message; RpcTransportError for refused, reset, timed-out, 401/403 and 5xx
// pages; RpcMalformedAnswerError for answers that are not the envelope or the shape); the timeout is
// hard, body included; the circuit breaker opens on transport failures and timeouts but never on
// RpcErrors, rejects calls without touching the node while open, and closes again by itself; and the
// password never appears in an error or in the client object.
import { inspect } from 'node:util';
import { expect } from 'chai';
import {
  DogecoinRpcClient,
  NodeUnavailableError,
  RPC_INVALID_ADDRESS_OR_KEY,
  RPC_INVALID_PARAMETER,
  RpcError,
  RpcMalformedAnswerError,
  RpcTransportError,
  type BreakerState,
  type RpcCallOutcome,
} from '../src/index.js';
import {
  errorAnswer,
  FakeNode,
  refusingUrl,
  resultAnswer,
  RPC_PASSWORD,
  RPC_USER,
  type Answer,
} from '../src/testing.js';

const TXID = 'ab'.repeat(32);
const P2PKH = `76a914${'11'.repeat(20)}88ac`;
const BASIC_AUTH = Buffer.from(`${RPC_USER}:${RPC_PASSWORD}`).toString('base64');

/**
 * gettxout's answer as Core 1.14 writes it, with `value` as given: its per-transaction CCoins record
 * puts the transaction's `version` between scriptPubKey and coinbase (Bitcoin 0.15 dropped it), and
 * the client must read the answer whether or not the field is there.
 */
function txOutJson(value: string): string {
  return `{"bestblock":"${'cd'.repeat(32)}","confirmations":3,"value":${value},
    "scriptPubKey":{"asm":"OP_DUP ...","hex":"${P2PKH}","reqSigs":1,"type":"pubkeyhash","addresses":["nX"]},
    "version":1,"coinbase":false}`;
}

const hang: Answer = () => undefined;
const gatewayPage: Answer = (_request, response) => {
  response.writeHead(502, { 'content-type': 'text/html' });
  response.end('<html>502 Bad Gateway</html>');
};

async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => expect.fail('the call succeeded'),
    (error: unknown) => error as Error,
  );
}

describe('DogecoinRpcClient', () => {
  let node: FakeNode;
  const clients: DogecoinRpcClient[] = [];
  const track = (client: DogecoinRpcClient): DogecoinRpcClient => {
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    node = await FakeNode.start();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.shutdown();
    await node.stop();
  });

  it('speaks JSON-RPC 1.0 with basic auth and reads amounts exactly', async () => {
    const client = track(node.client());
    node.answer = resultAnswer(txOutJson('12.50000000'));
    expect(await client.getTxOut(TXID, 1)).to.deep.equal({
      valueKoinu: 1_250_000_000n,
      confirmations: 3,
      scriptPubKeyHex: P2PKH,
      coinbase: false,
    });
    node.answer = resultAnswer(txOutJson('0.00000001'));
    expect((await client.getTxOut(TXID, 0, false))?.valueKoinu).to.equal(1n);
    node.answer = resultAnswer('null');
    expect(await client.getTxOut(TXID, 2)).to.equal(null);
    expect(
      node.requests.map(({ jsonrpc, id, method, params, authorization }) => ({
        jsonrpc,
        id,
        method,
        params,
        authorization,
      })),
    ).to.deep.equal([
      {
        jsonrpc: '1.0',
        id: 1,
        method: 'gettxout',
        params: [TXID, 1, true],
        authorization: `Basic ${BASIC_AUTH}`,
      },
      {
        jsonrpc: '1.0',
        id: 2,
        method: 'gettxout',
        params: [TXID, 0, false],
        authorization: `Basic ${BASIC_AUTH}`,
      },
      {
        jsonrpc: '1.0',
        id: 3,
        method: 'gettxout',
        params: [TXID, 2, true],
        authorization: `Basic ${BASIC_AUTH}`,
      },
    ]);
  });

  it("reads gettxout with or without Core 1.14's transaction version field, which it does not need", async () => {
    const client = track(node.client());
    const expected = {
      valueKoinu: 1_250_000_000n,
      confirmations: 3,
      scriptPubKeyHex: P2PKH,
      coinbase: false,
    };
    node.answer = resultAnswer(txOutJson('12.50000000'));
    expect(await client.getTxOut(TXID, 1)).to.deep.equal(expected);
    node.answer = resultAnswer(txOutJson('12.50000000').replace('"version":1,', ''));
    expect(await client.getTxOut(TXID, 1)).to.deep.equal(expected);
  });

  it('refuses an amount it cannot read exactly, and a result without the shape Core gives it', async () => {
    const client = track(node.client());
    node.answer = resultAnswer(txOutJson('92233720368.54775807'));
    expect(await failure(client.getTxOut(TXID, 0)))
      .to.be.instanceOf(RpcMalformedAnswerError)
      .with.property('message')
      .that.matches(/result\.value: amount 92233720368\.54775807: .*exceeds the maximum/);
    node.answer = resultAnswer(txOutJson('1.000000001'));
    expect(await failure(client.getTxOut(TXID, 0))).to.be.instanceOf(RpcMalformedAnswerError);
    node.answer = resultAnswer(txOutJson('12.5').replace('"coinbase":false', '"coinbase":"no"'));
    expect(await failure(client.getTxOut(TXID, 0))).to.be.instanceOf(RpcMalformedAnswerError);
    node.answer = resultAnswer('"not a hash"');
    expect(await failure(client.getBestBlockHash())).to.be.instanceOf(RpcMalformedAnswerError);
    node.answer = resultAnswer('-1');
    expect(await failure(client.getBlockCount())).to.be.instanceOf(RpcMalformedAnswerError);
  });

  it('reads the typed calls of the chain: count, hashes, raw transactions and blocks, broadcasts', async () => {
    const client = track(node.client());
    node.answer = resultAnswer('451');
    expect(await client.getBlockCount()).to.equal(451);
    node.answer = resultAnswer(`"${TXID}"`);
    expect(await client.getBestBlockHash()).to.equal(TXID);
    expect(await client.getBlockHash(451)).to.equal(TXID);
    expect(await client.sendRawTransaction('0100')).to.equal(TXID);
    node.answer = resultAnswer('"0100"');
    expect(await client.getRawTransactionHex(TXID)).to.equal('0100');
    node.answer = resultAnswer('""');
    expect(await failure(client.getRawTransactionHex(TXID))).to.be.instanceOf(RpcMalformedAnswerError);
    node.answer = resultAnswer('"0400620001"');
    expect(await client.getBlockHex(TXID)).to.equal('0400620001');
    node.answer = resultAnswer('"0400620"');
    expect(await failure(client.getBlockHex(TXID))).to.be.instanceOf(RpcMalformedAnswerError);
    node.answer = resultAnswer('""');
    expect(await failure(client.getBlockHex(TXID))).to.be.instanceOf(RpcMalformedAnswerError);
    expect(node.requests.map((request) => [request.method, request.params])).to.deep.equal([
      ['getblockcount', []],
      ['getbestblockhash', []],
      ['getblockhash', [451]],
      ['sendrawtransaction', ['0100']],
      ['getrawtransaction', [TXID, false]],
      ['getrawtransaction', [TXID, false]],
      ['getblock', [TXID, 0]],
      ['getblock', [TXID, 0]],
      ['getblock', [TXID, 0]],
    ]);
  });

  it("keeps Core's error objects as RpcError with the code and message (-5, -8)", async () => {
    const client = track(node.client());
    node.answer = errorAnswer(RPC_INVALID_ADDRESS_OR_KEY, 'No such mempool or blockchain transaction');
    const missing = await failure(client.call('getrawtransaction', [TXID, true]));
    expect(missing).to.be.instanceOf(RpcError).and.include({
      code: -5,
      rpcMessage: 'No such mempool or blockchain transaction',
      method: 'getrawtransaction',
    });
    node.answer = errorAnswer(RPC_INVALID_PARAMETER, 'Block height out of range');
    expect(await failure(client.call('getblockhash', [9_999])))
      .to.be.instanceOf(RpcError)
      .with.property('code', -8);
    // getblockhash above the tip is an answer, not an error.
    expect(await client.getBlockHash(9_999)).to.equal(undefined);
    node.answer = errorAnswer(-32601, 'Method not found');
    expect(await failure(client.call('nosuch')))
      .to.be.instanceOf(RpcError)
      .with.property('code', -32601);
  });

  it('calls a refused connection, a reset, a 401/403 and a 5xx page transport failures', async () => {
    const refused = track(
      new DogecoinRpcClient({ url: await refusingUrl(), user: RPC_USER, password: RPC_PASSWORD }),
    );
    expect(await failure(refused.getBlockCount()))
      .to.be.instanceOf(RpcTransportError)
      .with.property('message')
      .that.matches(/ECONNREFUSED/);

    const client = track(node.client());
    node.answer = (_request, response) => response.socket?.destroy();
    expect(await failure(client.getBlockCount())).to.be.instanceOf(RpcTransportError);
    for (const status of [401, 403]) {
      node.answer = (_request, response) => {
        response.writeHead(status, { 'www-authenticate': 'Basic realm="jsonrpc"' });
        response.end();
      };
      expect(await failure(client.getBlockCount()))
        .to.be.instanceOf(RpcTransportError)
        .with.property('message')
        .that.matches(new RegExp(`HTTP ${status}: the node refused the RPC credentials`));
    }
    node.answer = gatewayPage;
    expect(await failure(client.getBlockCount())).to.be.instanceOf(RpcTransportError);
  });

  it('calls an answer that is not the JSON-RPC envelope of this request malformed', async () => {
    const client = track(node.client());
    for (const body of ['<html>ok</html>', '{"result":12,"error":null,"id":999}', '[12]']) {
      node.answer = (_request, response) => {
        response.writeHead(200);
        response.end(body);
      };
      expect(await failure(client.getBlockCount()), body).to.be.instanceOf(RpcMalformedAnswerError);
    }
  });

  it('gives up after the timeout, whether the node never answers or stalls in the middle of the body', async () => {
    const outcomes: Array<[RpcCallOutcome, number]> = [];
    const client = track(
      node.client(
        { timeoutMs: 200 },
        { onCall: (_method, outcome, seconds) => outcomes.push([outcome, seconds]) },
      ),
    );
    node.answer = hang;
    const started = Date.now();
    expect(await failure(client.getBlockCount()))
      .to.be.instanceOf(RpcTransportError)
      .with.property('message', 'getblockcount: timed out after 200 ms');
    node.answer = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write(`{"result":${txOutJson('1.0')}`.slice(0, 40));
    };
    expect(await failure(client.getTxOut(TXID, 0)))
      .to.be.instanceOf(RpcTransportError)
      .with.property('message', 'gettxout: timed out after 200 ms');
    expect(Date.now() - started).to.be.below(1_500);
    expect(outcomes.map(([outcome]) => outcome)).to.deep.equal(['failure', 'failure']);
    for (const [, seconds] of outcomes) expect(seconds).to.be.within(0.19, 0.75);
  });

  it('refuses calls after shutdown without calling the node', async () => {
    const client = track(node.client());
    client.shutdown();
    expect(await failure(client.getBlockCount()))
      .to.be.instanceOf(NodeUnavailableError)
      .with.property('message', 'getblockcount: the client was shut down, the node is not called');
    expect(node.requests).to.deep.equal([]);
  });

  describe('circuit breaker', () => {
    const breaker = { volumeThreshold: 2, errorThresholdPercentage: 50, resetTimeoutMs: 300 };

    it('opens on transport failures, rejects without calling the node, and closes again by itself', async () => {
      const states: BreakerState[] = [];
      const outcomes: RpcCallOutcome[] = [];
      const client = track(
        node.client(
          { breaker },
          {
            onBreakerState: (state) => states.push(state),
            onCall: (_method, outcome) => outcomes.push(outcome),
          },
        ),
      );
      node.answer = gatewayPage;
      for (let call = 0; call < 2; call += 1) {
        expect(await failure(client.getBlockCount())).to.be.instanceOf(RpcTransportError);
      }
      expect(client.breakerState).to.equal('open');
      const reachedNode = node.requests.length;
      expect(await failure(client.getBlockCount()))
        .to.be.instanceOf(NodeUnavailableError)
        .with.property('method', 'getblockcount');
      expect(node.requests.length, 'the open breaker called the node').to.equal(reachedNode);

      node.answer = resultAnswer('7');
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(client.breakerState).to.equal('half-open');
      expect(await client.getBlockCount()).to.equal(7);
      expect(client.breakerState).to.equal('closed');
      expect(states).to.deep.equal(['closed', 'open', 'half-open', 'closed']);
      expect(outcomes).to.deep.equal(['failure', 'failure', 'rejected', 'ok']);
    });

    it('opens on timeouts and on answers that are not JSON-RPC', async () => {
      const timeouts = track(node.client({ timeoutMs: 100, breaker }));
      node.answer = hang;
      await failure(timeouts.getBlockCount());
      await failure(timeouts.getBlockCount());
      expect(timeouts.breakerState).to.equal('open');

      const garbage = track(node.client({ breaker }));
      node.answer = (_request, response) => {
        response.writeHead(200);
        response.end('<html>');
      };
      await failure(garbage.getBlockCount());
      await failure(garbage.getBlockCount());
      expect(garbage.breakerState).to.equal('open');
    });

    it('never opens on RpcErrors: the node answered, so it is healthy', async () => {
      const outcomes: RpcCallOutcome[] = [];
      const client = track(
        node.client({ breaker }, { onCall: (_method, outcome) => outcomes.push(outcome) }),
      );
      node.answer = errorAnswer(RPC_INVALID_ADDRESS_OR_KEY, 'No such mempool or blockchain transaction');
      for (let call = 0; call < 10; call += 1) {
        expect(await failure(client.call('getrawtransaction', [TXID, true]))).to.be.instanceOf(RpcError);
      }
      expect(client.breakerState).to.equal('closed');
      expect(node.requests).to.have.length(10);
      expect(outcomes).to.deep.equal(Array(10).fill('rpc-error'));
    });

    it('closes from half-open on an RpcError, which proves the node is back', async () => {
      const client = track(node.client({ breaker }));
      node.answer = gatewayPage;
      await failure(client.getBlockCount());
      await failure(client.getBlockCount());
      expect(client.breakerState).to.equal('open');
      await new Promise((resolve) => setTimeout(resolve, 400));
      node.answer = errorAnswer(RPC_INVALID_PARAMETER, 'Block height out of range');
      expect(await client.getBlockHash(10)).to.equal(undefined);
      expect(client.breakerState).to.equal('closed');
    });
  });

  describe('the password', () => {
    const secrets = [RPC_PASSWORD, BASIC_AUTH];
    const leaks = (text: string): string[] => secrets.filter((secret) => text.includes(secret));

    it('appears in no error of any kind, message, stack, cause or body excerpt, even when echoed', async () => {
      const errors: Error[] = [];
      const refusing = track(
        new DogecoinRpcClient({ url: await refusingUrl(), user: RPC_USER, password: RPC_PASSWORD }),
      );
      errors.push(await failure(refusing.getBlockCount()));
      const client = track(node.client({ timeoutMs: 150, breaker: { volumeThreshold: 6 } }));
      // Some answers echo the request's credentials, as a misconfigured proxy or a debugging echo
      // service behind a wrong URL would.
      const answers: Answer[] = [
        errorAnswer(-1, `refused ${RPC_PASSWORD}`),
        (_request, response) => {
          response.writeHead(401);
          response.end();
        },
        (_request, response) => response.socket?.destroy(),
        gatewayPage,
        (request, response) => {
          response.writeHead(200, { 'content-type': 'text/html' });
          response.end(`<html>Authorization: ${request.authorization}</html>`);
        },
        hang,
      ];
      for (const answer of answers) {
        node.answer = answer;
        errors.push(await failure(client.getBlockCount()));
      }
      errors.push(await failure(client.getBlockCount()));
      expect(errors.map((error) => error.name)).to.deep.equal([
        'RpcTransportError',
        'RpcError',
        'RpcTransportError',
        'RpcTransportError',
        'RpcTransportError',
        'RpcMalformedAnswerError',
        'RpcTransportError',
        'NodeUnavailableError',
      ]);
      expect(errors[1]).to.have.property('rpcMessage', 'refused [REDACTED]');
      expect(errors[5])
        .to.have.property('excerpt')
        .that.equals('<html>Authorization: Basic [REDACTED]</html>');
      for (const error of errors) {
        expect(
          leaks(`${error.message}\n${error.stack}\n${inspect(error, { depth: 10 })}`),
          error.name,
        ).to.deep.equal([]);
      }
    });

    it('is not shown when the client object is logged', () => {
      const client = track(node.client());
      expect(leaks(inspect(client, { depth: 10, showHidden: true }))).to.deep.equal([]);
      expect(leaks(JSON.stringify(client))).to.deep.equal([]);
    });

    it('is refused inside the URL, without the URL being repeated', () => {
      const build = () =>
        new DogecoinRpcClient({
          url: `http://${RPC_USER}:${RPC_PASSWORD}@127.0.0.1:18332/`,
          user: RPC_USER,
          password: RPC_PASSWORD,
        });
      expect(build).to.throw(/must not carry credentials/);
      try {
        build();
      } catch (error) {
        expect(leaks(inspect(error))).to.deep.equal([]);
      }
    });
  });
});
