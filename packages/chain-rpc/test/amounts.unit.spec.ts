// Proves that amounts read from the node's JSON keep every koinu: values that a float would round
// (0.1 + 0.2, 92233720368.54775807) come out exact, and non-amounts are refused instead of guessed.
import { expect } from 'chai';
import { parse } from 'lossless-json';
import { integerFromRpc, koinuFromRpcAmount, type RpcValue } from '../src/index.js';

const read = (json: string): RpcValue => parse(json) as RpcValue;

describe('chain-rpc amounts', () => {
  it('converts Core amounts to exact koinu', () => {
    expect(koinuFromRpcAmount(read('0.30000000'))).to.equal(30_000_000n);
    expect(koinuFromRpcAmount(read('500000.00000000'))).to.equal(50_000_000_000_000n);
    expect(koinuFromRpcAmount(read('0.00000001'))).to.equal(1n);
    expect(koinuFromRpcAmount(read('9999999999.99999999'))).to.equal(999_999_999_999_999_999n);
    expect(koinuFromRpcAmount(read('0'))).to.equal(0n);
  });

  it('refuses negatives, strings and over-precise values', () => {
    expect(() => koinuFromRpcAmount(read('-1.0'))).to.throw(/negative/);
    expect(() => koinuFromRpcAmount(read('"1.0"'))).to.throw(/expected an amount/);
    expect(() => koinuFromRpcAmount(read('0.000000001'))).to.throw(/more than 8 decimal/);
  });

  it('reads integers and refuses fractions', () => {
    expect(integerFromRpc(read('600'))).to.equal(600);
    expect(() => integerFromRpc(read('1.5'))).to.throw(/expected an integer/);
  });
});
