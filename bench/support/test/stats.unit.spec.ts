// Proves that the numbers the benchmarks print are computed right: nearest-rank percentiles, rounds
// pooled into one measurement (group-commit sizes weighted by how many batches each round ran), and the
// summary's ops/s, p50 and p99.
import { expect } from 'chai';
import fc from 'fast-check';
import { combine, errorKindsLine, percentile, summarize, type Measured } from '../stats.js';

const measured = (overrides: Partial<Measured>): Measured => ({
  name: 'path',
  ops: 0,
  seconds: 1,
  latenciesMs: [],
  errors: 0,
  ...overrides,
});

describe('bench stats', () => {
  it('ranks by the nearest-rank rule: p50 of 1..10 is 5, p99 of 1..100 is 99, p100 the largest', () => {
    const oneToTen = Array.from({ length: 10 }, (_, i) => i + 1);
    const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(oneToTen, 50)).to.equal(5);
    expect(percentile(oneToHundred, 99)).to.equal(99);
    expect(percentile(oneToHundred, 100)).to.equal(100);
    expect(percentile(oneToHundred, 0)).to.equal(1);
    expect(percentile([7], 99)).to.equal(7);
  });

  it('has no percentile of nothing', () => {
    expect(percentile([], 50)).to.be.NaN;
  });

  it('answers a measured value, never above a higher percentile', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        (values, p, q) => {
          const sorted = [...values].sort((a, b) => a - b);
          const [low, high] = p <= q ? [p, q] : [q, p];
          expect(sorted).to.include(percentile(sorted, low));
          expect(percentile(sorted, low)).to.be.at.most(percentile(sorted, high));
        },
      ),
    );
  });

  it('pools two rounds: ops, seconds and errors summed, latencies kept, error kinds merged', () => {
    const first = measured({
      ops: 10,
      seconds: 2,
      latenciesMs: [1, 2],
      errors: 1,
      errorKinds: { 'HTTP 422': 1 },
    });
    const second = measured({
      ops: 5,
      seconds: 3,
      latenciesMs: [3],
      errors: 2,
      errorKinds: { 'HTTP 422': 1, 'error ECONNRESET': 1 },
    });
    const pooled = combine(combine(undefined, first), second);
    expect(pooled).to.deep.equal({
      name: 'path',
      ops: 15,
      seconds: 5,
      latenciesMs: [1, 2, 3],
      errors: 3,
      errorKinds: { 'HTTP 422': 2, 'error ECONNRESET': 1 },
    });
  });

  it('weights group-commit means by the batches of each round, and drops them when a round has none', () => {
    const first = measured({ batches: { count: 2, meanSize: 10, meanMs: 5 } });
    const second = measured({ batches: { count: 6, meanSize: 2, meanMs: 1 } });
    expect(combine(first, second).batches).to.deep.equal({ count: 8, meanSize: 4, meanMs: 2 });
    expect(combine(first, measured({})).batches).to.equal(undefined);
  });

  it('summarises ops per second and the percentiles of unsorted latencies', () => {
    const summary = summarize(measured({ ops: 300, seconds: 1.5, latenciesMs: [30, 10, 20], errors: 4 }));
    expect(summary.opsPerSecond).to.equal(200);
    expect(summary.p50).to.equal(20);
    expect(summary.p99).to.equal(30);
    expect(summary.errors).to.equal(4);
  });

  it('lists error kinds most frequent first', () => {
    expect(errorKindsLine({ 'HTTP 500': 1, 'HTTP 422': 3 })).to.equal('HTTP 422: 3, HTTP 500: 1');
    expect(errorKindsLine(undefined)).to.equal('');
  });
});
