/**
 * Proves the JSON writer reproduces UniValue's number text: amounts from integer koinu with exactly
 * 8 decimals (ValueFromAmount), doubles as printf "%.16g", keys in insertion order, no spaces.
 */
import { expect } from 'chai';
import { Amount, formatAmount, formatReal, Real, writeCoreJson } from '../src/core-json.js';

describe('Core JSON writer', () => {
  it('writes amounts from koinu without float drift', () => {
    expect(formatAmount(0n)).to.equal('0.00000000');
    expect(formatAmount(1n)).to.equal('0.00000001');
    expect(formatAmount(99_999_998_080_00n)).to.equal('99999.99808000');
    expect(formatAmount(1_000_000_000_000_000_000n)).to.equal('10000000000.00000000');
    expect(formatAmount(-150_000n)).to.equal('-0.00150000');
  });

  it('writes doubles as %.16g', () => {
    const cases: [number, string][] = [
      [-1, '-1'],
      [1, '1'],
      [0.5, '0.5'],
      [4.656542373906925e-10, '4.656542373906925e-10'],
      [44230769230769.23, '44230769230769.23'],
      [0.0001, '0.0001'],
      [0.00001234, '1.234e-05'],
      [1e16, '1e+16'],
      [123456789012345.6, '123456789012345.6'],
    ];
    for (const [value, text] of cases) expect(formatReal(value), String(value)).to.equal(text);
  });

  it('writes objects compactly in insertion order', () => {
    const json = writeCoreJson({
      b: new Amount(5n),
      a: [new Real(2), null, true, 'x"y'],
      n: 70015,
      big: 10n ** 20n,
    });
    expect(json).to.equal('{"b":0.00000005,"a":[2,null,true,"x\\"y"],"n":70015,"big":100000000000000000000}');
  });
});
