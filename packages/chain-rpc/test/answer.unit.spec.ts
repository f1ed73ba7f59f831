// Proves how one HTTP answer of the node is read: Core's error objects become RpcError with Core's
// code and message, an answer without a JSON-RPC body on a 5xx is a transport failure (the breaker
// counts it), and anything on a 200 that is not the envelope for this request is an
// RpcMalformedAnswerError. Moved here with interpretRpcAnswer from the deposit watcher's
// rpc-answers.unit.spec.ts.
import { expect } from 'chai';
import {
  interpretRpcAnswer,
  mayCarryAmounts,
  isJsonObject,
  JsonNumber,
  RPC_INVALID_ADDRESS_OR_KEY,
  RPC_METHOD_NOT_FOUND,
  RpcError,
  RpcMalformedAnswerError,
  RpcTransportError,
} from '../src/index.js';

describe('interpretRpcAnswer', () => {
  it('returns the result of a matching answer, numbers exact', () => {
    const result = interpretRpcAnswer(
      'gettxout',
      3,
      200,
      '{"result":{"value":12.50000000},"error":null,"id":3}',
    );
    expect(isJsonObject(result) && result.value).to.deep.equal(new JsonNumber('12.50000000'));
  });

  it('keeps Core error objects as RpcError with code and message', () => {
    const body =
      '{"result":null,"error":{"code":-5,"message":"No such mempool or blockchain transaction. Use gettransaction for wallet transactions."},"id":3}';
    expect(() => interpretRpcAnswer('getrawtransaction', 3, 500, body))
      .to.throw(RpcError)
      .with.property('code', RPC_INVALID_ADDRESS_OR_KEY);
    expect(() => interpretRpcAnswer('getrawtransaction', 3, 500, body))
      .to.throw(RpcError)
      .with.property('rpcMessage')
      .that.matches(/^No such mempool or blockchain transaction/);
    const notFound = '{"result":null,"error":{"code":-32601,"message":"Method not found"},"id":4}';
    expect(() => interpretRpcAnswer('nosuch', 4, 404, notFound))
      .to.throw(RpcError)
      .with.property('code', RPC_METHOD_NOT_FOUND);
  });

  it('calls a body without JSON on a 5xx or 404 a transport failure, and garbage on a 200 malformed', () => {
    for (const status of [500, 502, 503, 404]) {
      expect(() => interpretRpcAnswer('getblockcount', 1, status, '<html>Bad Gateway</html>')).to.throw(
        RpcTransportError,
      );
    }
    for (const body of [
      '<html>ok</html>',
      '{"result":12,"error":null}',
      '{"result":12,"error":null,"id":99}',
      '{"error":null,"id":1}',
      '[1,2]',
      '{"result":12,"error":"boom","id":1}',
      '{"result":null,"error":{"code":-5.5,"message":"x"},"id":1}',
      '{"result":1',
    ]) {
      expect(() => interpretRpcAnswer('getblockcount', 1, 200, body), body).to.throw(RpcMalformedAnswerError);
    }
    expect(() => interpretRpcAnswer('getblockcount', 1, 500, '{"result":12,"error":null,"id":1}')).to.throw(
      RpcMalformedAnswerError,
      /HTTP 500 with a result/,
    );
    expect(interpretRpcAnswer('getblockcount', 1, 200, '{"result":12,"error":null,"id":"1"}')).to.deep.equal(
      new JsonNumber('12'),
    );
  });

  it('keeps the start of a malformed body for the log line, and only the start', () => {
    const body = `<html>${'x'.repeat(1_000)}</html>`;
    try {
      interpretRpcAnswer('getblock', 1, 200, body);
      expect.fail('a malformed answer was accepted');
    } catch (error) {
      expect(error).to.be.instanceOf(RpcMalformedAnswerError);
      expect((error as RpcMalformedAnswerError).excerpt).to.equal(body.slice(0, 200));
    }
  });

  it('reads an answer without amounts (raw hex) with the fast parser, and refuses any number but a safe integer there', () => {
    const hex = 'ab'.repeat(1000);
    const plain = { amounts: false };
    expect(interpretRpcAnswer('getblock', 9, 200, `{"result":"${hex}","error":null,"id":9}`, plain)).to.equal(
      hex,
    );
    expect(() =>
      interpretRpcAnswer('getblock', 9, 200, '{"result":{"value":0.10000001},"error":null,"id":9}', plain),
    ).to.throw(RpcMalformedAnswerError);
    expect(() =>
      interpretRpcAnswer('getblock', 9, 200, '{"result":9007199254740993,"error":null,"id":9}', plain),
    ).to.throw(RpcMalformedAnswerError);
    expect(() => interpretRpcAnswer('getblock', 9, 200, '{"result":"ab",', plain)).to.throw(
      RpcMalformedAnswerError,
    );
    expect(() =>
      interpretRpcAnswer('getblock', 9, 200, `{"result":"${hex}","error":null,"id":8}`, plain),
    ).to.throw(RpcMalformedAnswerError);
    const refused = () =>
      interpretRpcAnswer(
        'getblock',
        9,
        200,
        '{"result":null,"error":{"code":-5,"message":"Block not found"},"id":9}',
        plain,
      );
    expect(refused).to.throw(RpcError).with.property('code', RPC_INVALID_ADDRESS_OR_KEY);
  });

  it('takes the fast parser only for answers that cannot hold an amount', () => {
    expect(mayCarryAmounts('getblock', ['h', 0])).to.equal(false);
    expect(mayCarryAmounts('getblock', ['h', false])).to.equal(false);
    expect(mayCarryAmounts('getblock', ['h', 2])).to.equal(true);
    expect(mayCarryAmounts('getblock', ['h'])).to.equal(true);
    expect(mayCarryAmounts('getrawtransaction', ['t', false])).to.equal(false);
    expect(mayCarryAmounts('getrawtransaction', ['t', true])).to.equal(true);
    expect(mayCarryAmounts('getblockhash', [5])).to.equal(false);
    expect(mayCarryAmounts('gettxout', ['t', 0])).to.equal(true);
    expect(mayCarryAmounts('getblockchaininfo', [])).to.equal(true);
  });
});
