/**
 * Proves the HTTP contract of Core's RPC server (src/httprpc.cpp): basic auth with a bare 401, POST
 * only, HTTP 404/400/500 for method-not-found, invalid-request and other errors, batches always 200,
 * ids echoed, named parameters; and that the fault controls break the transport the ways a circuit
 * breaker must survive (garbage, HTTP 500, connection refused, hanging).
 */
import { expect } from 'chai';
import { AUTH, startHarness, type Harness, type RpcReply } from './support.js';

describe('HTTP JSON-RPC server', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.stop();
  });

  it('refuses a missing or wrong password with 401, WWW-Authenticate and no body', async () => {
    const none = await fetch(`${h.sim.url}/`, { method: 'POST', body: '{"method":"getblockcount"}' });
    expect([none.status, none.headers.get('www-authenticate'), await none.text()]).to.deep.equal([
      401,
      'Basic realm="jsonrpc"',
      '',
    ]);
    const started = Date.now();
    const wrong = await h.post(
      { method: 'getblockcount' },
      { authorization: `Basic ${Buffer.from('dbay:nope').toString('base64')}` },
    );
    expect([wrong.status, wrong.text]).to.deep.equal([401, '']);
    expect(Date.now() - started).to.be.at.least(240);
    const control = await fetch(`${h.sim.url}/control/status`, { method: 'POST' });
    expect(control.status).to.equal(401);
  });

  it('answers only POST on / and 404 elsewhere', async () => {
    const get = await fetch(`${h.sim.url}/`, { headers: { authorization: AUTH } });
    expect([get.status, await get.text()]).to.deep.equal([405, 'JSONRPC server handles only POST requests']);
    const other = await fetch(`${h.sim.url}/rest/chaininfo.json`, {
      method: 'POST',
      headers: { authorization: AUTH },
    });
    expect([other.status, await other.text()]).to.deep.equal([404, '']);
  });

  it('writes replies as result, error, id with Core status codes', async () => {
    const ok = await h.post({ jsonrpc: '1.0', id: 'a', method: 'getblockcount', params: [] });
    expect(ok.status).to.equal(200);
    expect(ok.text).to.match(/^\{"result":\d+,"error":null,"id":"a"\}\n$/);
    const missing = await h.post({ id: 7, method: 'getinfoz', params: [] });
    expect([missing.status, missing.text]).to.deep.equal([
      404,
      '{"result":null,"error":{"code":-32601,"message":"Method not found"},"id":7}\n',
    ]);
    const parse = await fetch(`${h.sim.url}/`, {
      method: 'POST',
      headers: { authorization: AUTH },
      body: '{nope',
    });
    expect([parse.status, await parse.text()]).to.deep.equal([
      500,
      '{"result":null,"error":{"code":-32700,"message":"Parse error"},"id":null}\n',
    ]);
    const noMethod = await h.post({ id: 1, params: [] });
    expect([noMethod.status, noMethod.json.error]).to.deep.equal([
      400,
      { code: -32600, message: 'Missing method' },
    ]);
    const badParams = await h.post({ id: 1, method: 'getblockcount', params: 'x' });
    expect([badParams.status, badParams.json.error?.message]).to.deep.equal([
      400,
      'Params must be an array or object',
    ]);
    const failing = await h.post({ id: 1, method: 'getblockhash', params: [-1] });
    expect([failing.status, failing.json.error]).to.deep.equal([
      500,
      { code: -8, message: 'Block height out of range' },
    ]);
  });

  it('runs batches, always with HTTP 200 and errors inside', async () => {
    const batch = await h.post<RpcReply[]>([
      { id: 1, method: 'getblockcount' },
      { id: 2, method: 'nosuchmethod' },
      'not an object',
    ]);
    expect(batch.status).to.equal(200);
    expect(batch.json[0]).to.have.property('result').that.is.a('number');
    expect(batch.json[1]).to.deep.equal({
      result: null,
      error: { code: -32601, message: 'Method not found' },
      id: 2,
    });
    expect(batch.json[2]).to.deep.equal({
      result: null,
      error: { code: -32600, message: 'Invalid Request object' },
      id: null,
    });
  });

  it('accepts named parameters, with holes as null, and rejects unknown names', async () => {
    const hash = await h.call('getblockhash', 0);
    const named = await h.post({ id: 1, method: 'getblock', params: { blockhash: hash, verbosity: 0 } });
    expect(named.json.result).to.equal(await h.call('getblock', hash, 0));
    const unknown = await h.post({ id: 1, method: 'getblock', params: { blockhash: hash, verbose: true } });
    expect(unknown.json.error).to.deep.equal({ code: -8, message: 'Unknown named parameter verbose' });
    const hole = await h.post({ id: 1, method: 'gettxout', params: { txid: hash, include_mempool: true } });
    expect(hole.json.error).to.deep.equal({ code: -1, message: 'JSON value is not an integer as expected' });
  });

  it('fault "garbage" returns malformed JSON, "500" a bare HTTP 500, until the fault ends', async () => {
    await h.control('fault', { mode: 'garbage', forMs: 60_000 });
    const garbage = await h.post({ id: 1, method: 'getblockcount' });
    expect(garbage.status).to.equal(200);
    expect(garbage.json).to.equal(undefined);
    await h.control('fault', { mode: '500', forMs: 60_000 });
    const failed = await h.post({ id: 1, method: 'getblockcount' });
    expect([failed.status, failed.text]).to.deep.equal([500, '']);
    await h.control('fault', { mode: 'none' });
    expect((await h.post({ id: 1, method: 'getblockcount' })).status).to.equal(200);
  });

  it('fault "down" refuses connections and the port comes back by itself', async () => {
    await h.control('fault', { mode: 'down', forMs: 400 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const refused = await fetch(`${h.sim.url}/`, {
      method: 'POST',
      headers: { authorization: AUTH },
      body: '{}',
    }).then(
      () => 'answered',
      (error: { cause?: { code?: string } }) => error.cause?.code,
    );
    expect(refused).to.equal('ECONNREFUSED');
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await h.post({ id: 1, method: 'getblockcount' })).status).to.equal(200);
  });

  it('fault "hang" accepts requests and never answers them', async () => {
    await h.control('fault', { mode: 'hang', forMs: 300 });
    const outcome = await fetch(`${h.sim.url}/`, {
      method: 'POST',
      headers: { authorization: AUTH },
      body: '{"method":"getblockcount"}',
      signal: AbortSignal.timeout(150),
    }).then(
      () => 'answered',
      (error: Error) => error.name,
    );
    expect(outcome).to.equal('TimeoutError');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await h.post({ id: 1, method: 'getblockcount' })).status).to.equal(200);
  });

  it('validates control requests with coded errors', async () => {
    const bad = await h.controlError('fund', { address: 'nope', amount: '1' });
    expect([bad.status, bad.code]).to.deep.equal([400, 'REGTEST_BAD_REQUEST']);
    const amount = await h.controlError('fund', {
      address: 'mwaePRJMowTXhJSZvDFPSLXK9QBJ1jf1JE',
      amount: '1.123456789',
    });
    expect([amount.status, amount.code]).to.deep.equal([400, 'REGTEST_BAD_REQUEST']);
    const huge = await h.controlError('fund', {
      address: 'mwaePRJMowTXhJSZvDFPSLXK9QBJ1jf1JE',
      amount: '9000000000',
    });
    expect([huge.status, huge.code]).to.deep.equal([409, 'REGTEST_FAUCET_INSUFFICIENT_FUNDS']);
    const unknown = await h.controlError('teleport');
    expect([unknown.status, unknown.code]).to.deep.equal([404, 'REGTEST_UNKNOWN_COMMAND']);
  });
});
