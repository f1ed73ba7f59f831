/**
 * Proves that a wrong parameter count answers as Dogecoin Core 1.14 does: each method throws
 * runtime_error(<its help text>) (src/rpc/blockchain.cpp, rawtransaction.cpp, mining.cpp, net.cpp,
 * misc.cpp), and CRPCTable::execute (src/rpc/server.cpp) sends it as JSON-RPC error -1 with HTTP 500.
 * Every implemented method has one help text in src/rpc/help.ts, laid out as Core's are.
 */
import { expect } from 'chai';
import { methodArity, methodNames } from '../src/rpc/dispatch.js';
import { HELP_TEXTS } from '../src/rpc/help.js';
import { fundedOutput, startHarness, type GetTxOutJson, type Harness, type RpcReply } from './support.js';

const helpOf = (name: string): string => (HELP_TEXTS as Record<string, string>)[name]!;
const arityOf = (name: string): { minParams: number; maxParams: number } => methodArity(name)!;

describe('help texts on a wrong parameter count', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.stop();
  });

  it('every implemented method has exactly one help text, and every help text a method', () => {
    expect(Object.keys(HELP_TEXTS).sort()).to.deep.equal(methodNames());
  });

  it("answers too many or too few parameters with -1 and the method's whole help text, as runtime_error(help) becomes RPC_MISC_ERROR", async () => {
    for (const name of methodNames()) {
      const { minParams, maxParams } = arityOf(name);
      const counts = minParams > 0 ? [maxParams + 1, minParams - 1] : [maxParams + 1];
      for (const count of counts) {
        const params = Array.from({ length: count }, () => 1);
        const reply = await h.post<RpcReply>({ jsonrpc: '1.0', id: 'arity', method: name, params });
        expect([reply.status, reply.json], `${name} with ${count} parameters`).to.deep.equal([
          500,
          { result: null, error: { code: -1, message: helpOf(name) }, id: 'arity' },
        ]);
      }
    }
  });

  it('answers getblock, gettxout, sendrawtransaction and getblockhash called with real arguments, one too few or one too many, with -1 and the whole help text, before looking at any argument', async () => {
    // Each method's `if (request.fHelp || params.size() < min || params.size() > max) throw
    // runtime_error(help)` comes first, so even well-formed arguments for a known block or
    // transaction get the help text, never "Block not found" or a decode error.
    const hash = await h.call<string>('getbestblockhash');
    const coin = await fundedOutput(h, '2', 1);
    const hex = await h.call<string>('getrawtransaction', coin.txid, false);
    const calls: [string, unknown[]][] = [
      ['getblock', []],
      ['getblock', [hash, 1, true]],
      ['gettxout', [coin.txid]],
      ['gettxout', [coin.txid, 0, true, true]],
      ['sendrawtransaction', []],
      ['sendrawtransaction', [hex, false, false]],
      ['getblockhash', []],
      ['getblockhash', [0, 0]],
    ];
    for (const [method, params] of calls) {
      const reply = await h.post<RpcReply>({ jsonrpc: '1.0', id: 7, method, params });
      const help = helpOf(method);
      expect(help.split('\n')[0]!.split(' ')[0], method).to.equal(method);
      expect([reply.status, reply.json], `${method} with ${params.length} parameters`).to.deep.equal([
        500,
        { result: null, error: { code: -1, message: help }, id: 7 },
      ]);
    }
  });

  it('lays every text out as Core does: the usage line, one numbered argument per parameter, Result and Examples with dogecoin-cli', () => {
    for (const name of methodNames()) {
      const help = helpOf(name);
      const { maxParams } = arityOf(name);
      expect(help.split('\n')[0]!.split(' ')[0], name).to.equal(name);
      const argumentsSection = help.split('\nArguments:\n')[1]?.split('\n\n')[0] ?? '';
      const numbered = argumentsSection.split('\n').filter((line) => /^\d+\. /.test(line));
      expect(
        numbered.map((line) => Number.parseInt(line, 10)),
        name,
      ).to.deep.equal(Array.from({ length: maxParams }, (_, i) => i + 1));
      // misc.cpp's setmocktime is the one text with neither a Result nor an Examples section.
      if (name === 'setmocktime') continue;
      expect(help, name).to.match(/\nResult[^\n]*:\n/);
      expect(help, name).to.match(/\nExamples?:\n/);
      expect(help, name).to.contain(`> dogecoin-cli ${name} `);
      expect(help.endsWith('\n'), name).to.equal(true);
    }
  });

  it("gettxout's help lists the fields of a real answer in its order, version included", async () => {
    const coin = await fundedOutput(h, '3', 1);
    const answer = await h.call<GetTxOutJson>('gettxout', coin.txid, 0);
    const resultSection = helpOf('gettxout').split('\nResult:\n{\n')[1]!.split('\n}\n')[0]!;
    const documented = [...resultSection.matchAll(/^ {2}"(\w+)" :/gm)].map((match) => match[1]);
    expect(documented).to.deep.equal(Object.keys(answer));
  });

  it('counts parameters after transformNamedArguments, so getblockhash with an empty object answers its help', async () => {
    const none = await h.post<RpcReply>({ id: 2, method: 'getblockhash', params: {} });
    expect([none.status, none.json.error]).to.deep.equal([
      500,
      { code: -1, message: helpOf('getblockhash') },
    ]);
  });
});
