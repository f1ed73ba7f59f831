// Proves that amounts read from the node keep every koinu: Core's 8-decimal numbers become exact
// bigint koinu, including values a float would round, and anything that is not an exact amount in
// Dogecoin's range (more decimals, an exponent, a sign, a string, above MAX_MONEY such as
// 92233720368.54775807) is refused with an error naming the method, the field and the amount. Also
// proves the other readers refuse wrong shapes instead of defaulting.
import { expect } from 'chai';
import { parseRpcJson, RpcMalformedAnswerError, RpcResultReader } from '../src/index.js';

const reader = new RpcResultReader('gettxout');
const koinu = (json: string): bigint => reader.koinu(parseRpcJson(json), 'result.value');

describe('chain-rpc amounts', () => {
  it('converts Core amounts to exact koinu', () => {
    expect(koinu('12.50000000')).to.equal(1_250_000_000n);
    expect(koinu('0.00000001')).to.equal(1n);
    expect(koinu('0.30000000')).to.equal(30_000_000n);
    expect(koinu('0.10000001')).to.equal(10_000_001n);
    expect(koinu('500000.00000000')).to.equal(50_000_000_000_000n);
    expect(koinu('9999999999.99999999')).to.equal(999_999_999_999_999_999n);
    expect(koinu('10000000000.00000000')).to.equal(1_000_000_000_000_000_000n);
    expect(koinu('0')).to.equal(0n);
    expect(koinu('0.00000000')).to.equal(0n);
  });

  it('keeps digits a double would round', () => {
    // 9999999999.99999999 as a double is 10000000000: one koinu off, and over MAX_MONEY.
    expect(Number('9999999999.99999999')).to.equal(10_000_000_000);
    expect(koinu('9999999999.99999999')).to.equal(10_000_000_000n * 100_000_000n - 1n);
  });

  it('refuses 92233720368.54775807 (int64 max in koinu, above MAX_MONEY) clearly instead of rounding it', () => {
    expect(() => koinu('92233720368.54775807'))
      .to.throw(RpcMalformedAnswerError)
      .with.property('message')
      .that.equals(
        'gettxout: malformed answer: result.value: amount 92233720368.54775807: ' +
          'amount "92233720368.54775807" exceeds the maximum of 10000000000 DOGE',
      );
  });

  for (const [json, why] of [
    ['1.123456789', /more than 8 decimal/],
    ['0.000000001', /more than 8 decimal/],
    ['1e3', /not a plain decimal/],
    ['-1.00000000', /negative/],
    ['10000000000.00000001', /exceeds the maximum/],
    ['"1.00000000"', /expected an amount/],
    ['null', /expected an amount/],
  ] as const) {
    it(`refuses ${json}`, () => {
      expect(() => koinu(json))
        .to.throw(RpcMalformedAnswerError, why)
        .with.property('method', 'gettxout');
    });
  }
});

describe('chain-rpc readers', () => {
  const read = new RpcResultReader('getblockcount');

  it('reads counts and refuses anything but a non-negative safe integer', () => {
    expect(read.count(parseRpcJson('451'), 'result')).to.equal(451);
    expect(read.count(parseRpcJson('0'), 'result')).to.equal(0);
    for (const bad of ['-1', '1.5', '1e2', '"451"', '99999999999999999999', '9007199254740993']) {
      expect(() => read.count(parseRpcJson(bad), 'result'), bad).to.throw(RpcMalformedAnswerError);
    }
  });

  it('reads hashes, hex, strings, booleans, objects and arrays strictly', () => {
    const hash = 'ab'.repeat(32);
    expect(read.hash(parseRpcJson(`"${hash}"`), 'result')).to.equal(hash);
    expect(() => read.hash(parseRpcJson(`"${hash.toUpperCase()}"`), 'result')).to.throw(/64 lower-case hex/);
    expect(() => read.hash(parseRpcJson('"abc"'), 'result')).to.throw(RpcMalformedAnswerError);
    expect(read.hex(parseRpcJson('"76a9"'), 'result')).to.equal('76a9');
    expect(() => read.hex(parseRpcJson('"76a"'), 'result')).to.throw(/hex bytes/);
    expect(read.boolean(parseRpcJson('false'), 'coinbase')).to.equal(false);
    expect(() => read.boolean(parseRpcJson('0'), 'coinbase')).to.throw(/coinbase: expected true or false/);
    expect(() => read.string(undefined, 'result.hex')).to.throw(/result.hex: expected a string/);
    expect(() => read.object(parseRpcJson('[]'), 'result')).to.throw(/expected an object/);
    expect(() => read.array(parseRpcJson('{}'), 'result')).to.throw(/expected an array/);
  });
});
