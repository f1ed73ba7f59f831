// Proves fork finding: the highest stored block still on the node's chain is the fork point, a
// batch without one says where to look next, and the confirmation math and alert threshold hold.
import { expect } from 'chai';
import fc from 'fast-check';
import { confirmationProgress, confirmationsAt } from '../../src/domain/confirmations.js';
import { exceedsConfirmationDepth, findForkPoint, reorgDepth } from '../../src/domain/fork.js';

const hashOf = (height: number, branch: string): string =>
  `${branch}${height.toString(16)}`.padStart(64, '0');

describe('findForkPoint', () => {
  it('finds the highest common block of a batch', () => {
    const stored = [12, 11, 10, 9].map((height) => ({
      height,
      hash: hashOf(height, height > 10 ? 'a' : ''),
    }));
    const node = new Map<number, string | undefined>(
      [12, 11, 10, 9].map((height) => [height, hashOf(height, height > 10 ? 'b' : '')]),
    );
    expect(findForkPoint(stored, node, false)).to.deep.equal({
      kind: 'fork-found',
      fork: { height: 10, hash: hashOf(10, '') },
    });
  });

  it('treats heights above the node tip as not on its chain', () => {
    const stored = [5, 4, 3].map((height) => ({ height, hash: hashOf(height, '') }));
    const node = new Map<number, string | undefined>([
      [5, undefined],
      [4, undefined],
      [3, hashOf(3, '')],
    ]);
    expect(findForkPoint(stored, node, false)).to.deep.equal({
      kind: 'fork-found',
      fork: { height: 3, hash: hashOf(3, '') },
    });
  });

  it('asks to keep looking below a batch without a common block, or gives up at the lowest batch', () => {
    const stored = [8, 7].map((height) => ({ height, hash: hashOf(height, 'a') }));
    const node = new Map<number, string | undefined>(
      stored.map(({ height }) => [height, hashOf(height, 'b')]),
    );
    expect(findForkPoint(stored, node, false)).to.deep.equal({ kind: 'keep-looking', belowHeight: 7 });
    expect(findForkPoint(stored, node, true)).to.deep.equal({ kind: 'no-common-block' });
    expect(findForkPoint([], new Map(), false)).to.deep.equal({ kind: 'no-common-block' });
  });

  it('refuses a batch with a gap', () => {
    const stored = [
      { height: 9, hash: 'x' },
      { height: 7, hash: 'y' },
    ];
    expect(() => findForkPoint(stored, new Map(), false)).to.throw(/not contiguous/);
  });

  it('finds the true fork for any chain pair sharing a prefix', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: 30 }),
        (fork, storedAbove, nodeAbove) => {
          const tip = fork + storedAbove;
          const stored = Array.from({ length: tip + 1 }, (_, index) => tip - index).map((height) => ({
            height,
            hash: hashOf(height, height > fork ? 'a' : ''),
          }));
          const node = new Map<number, string | undefined>();
          for (let height = 0; height <= tip; height += 1) {
            node.set(
              height,
              height <= fork
                ? hashOf(height, '')
                : height <= fork + nodeAbove
                  ? hashOf(height, 'b')
                  : undefined,
            );
          }
          // Walk in batches of 7, as the adapter does in batches.
          let result;
          for (let start = 0; start < stored.length; start += 7) {
            const batch = stored.slice(start, start + 7);
            result = findForkPoint(batch, node, start + 7 >= stored.length);
            if (result.kind !== 'keep-looking') break;
            expect(result.belowHeight).to.equal(batch.at(-1)!.height);
          }
          expect(result).to.deep.equal({
            kind: 'fork-found',
            fork: { height: fork, hash: hashOf(fork, '') },
          });
        },
      ),
    );
  });
});

describe('confirmations', () => {
  it('counts the tip block as 1 and refuses impossible heights', () => {
    expect(confirmationsAt(100, 100)).to.equal(1);
    expect(confirmationsAt(100, 105)).to.equal(6);
    expect(() => confirmationsAt(101, 100)).to.throw();
    expect(() => confirmationsAt(-1, 100)).to.throw();
  });

  it('confirms at the required depth, reports other changes, and stays quiet otherwise', () => {
    expect(confirmationProgress(4, 5, 6)).to.deep.equal({ kind: 'changed', confirmations: 5 });
    expect(confirmationProgress(5, 5, 6)).to.deep.equal({ kind: 'unchanged' });
    expect(confirmationProgress(5, 6, 6)).to.deep.equal({ kind: 'confirmed', confirmations: 6 });
    expect(confirmationProgress(1, 9, 6)).to.deep.equal({ kind: 'confirmed', confirmations: 9 });
    expect(confirmationProgress(3, 2, 6)).to.deep.equal({ kind: 'changed', confirmations: 2 });
  });

  it('calls a reorg an alert from the confirmation depth on', () => {
    expect(reorgDepth(110, 105)).to.equal(5);
    expect(exceedsConfirmationDepth(5, 6)).to.equal(false);
    expect(exceedsConfirmationDepth(6, 6)).to.equal(true);
    expect(() => reorgDepth(100, 101)).to.throw();
  });
});
