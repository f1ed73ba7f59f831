// Proves RPC bodies are read with every number kept as its exact source text (through the
// lossless-json package) and that malformed bodies are refused with a JsonSyntaxError instead of
// guessed at. These are the deposit watcher's parser cases, moved here with the parser, and the cases
// of the hand-written parser the withdrawal saga had before.
import { expect } from 'chai';
import { JsonNumber, JsonSyntaxError, parseRpcJson } from '../src/index.js';

describe('parseRpcJson', () => {
  it('keeps amounts with 8 decimals exactly as written, even where a double cannot', () => {
    const parsed = parseRpcJson('{"value": 0.10000001, "big": 92233720368.54775807, "n": 0}') as Record<
      string,
      JsonNumber
    >;
    expect([parsed.value!.value, parsed.big!.value, parsed.n!.value]).to.deep.equal([
      '0.10000001',
      '92233720368.54775807',
      '0',
    ]);
    expect(String(Number('92233720368.54775807'))).to.not.equal('92233720368.54775807');
  });

  it('treats a __proto__ key as data', () => {
    const parsed = parseRpcJson('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    expect(Object.keys(parsed)).to.deep.equal(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it('reads strings with escapes, every JSON literal, and numbers in any JSON form as their text', () => {
    expect(parseRpcJson('[true,false,null,"x\\"y\\u00e9"]')).to.deep.equal([true, false, null, 'x"yé']);
    const parsed = parseRpcJson('{"result":{"value":92233720.36854775,"n":[1,-2e3]},"error":null}');
    expect(parsed).to.deep.equal({
      result: {
        value: new JsonNumber('92233720.36854775'),
        n: [new JsonNumber('1'), new JsonNumber('-2e3')],
      },
      error: null,
    });
  });

  const malformed: Array<[string, string]> = [
    ['', 'empty body'],
    ['<html>502 Bad Gateway</html>', 'HTML'],
    ['{"a":1,}', 'trailing comma'],
    ['{"a":NaN}', 'NaN'],
    ['{"a":01}', 'leading zero'],
    ['{"a":"x\ny"}', 'raw newline in a string'],
    ['{"a":1} {"b":2}', 'two documents'],
    ['{"a":1}x', 'trailing garbage'],
    ['{"result":"abc', 'truncated string'],
    ['{"a":1,"a":2}', 'conflicting duplicate key'],
  ];
  for (const [text, what] of malformed) {
    it(`refuses ${what}`, () => {
      expect(() => parseRpcJson(text)).to.throw(JsonSyntaxError);
    });
  }
});
