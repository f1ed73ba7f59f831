// Proves the in-memory watched set's bitmap only ever turns strangers away: every hash added is found,
// a hash never added is not (also one that shares its first six hex digits, and so its bit, with one
// that was), and strings that are not hashes are simply not members.
import { expect } from 'chai';
import fc from 'fast-check';
import { PubkeyHashSet } from '../../src/adapters/db/watched-addresses.js';

const hash160 = fc
  .uint8Array({ minLength: 20, maxLength: 20 })
  .map((bytes) => Buffer.from(bytes).toString('hex'));

describe('PubkeyHashSet (the watched set in memory)', () => {
  it('finds exactly the hashes added', () => {
    fc.assert(
      fc.property(fc.uniqueArray(hash160, { minLength: 1, maxLength: 200 }), hash160, (hashes, other) => {
        const set = new PubkeyHashSet();
        const [held, ...rest] = hashes;
        for (const hash of [held!, ...rest]) set.add(hash);
        expect(set.size).to.equal(hashes.length);
        for (const hash of hashes) expect(set.has(hash)).to.equal(true);
        expect(set.has(other)).to.equal(hashes.includes(other));
        // Same first six digits, so the same bit: the Set decides.
        const neighbour = `${held!.slice(0, 6)}${held!.slice(6).split('').reverse().join('')}`;
        expect(set.has(neighbour)).to.equal(hashes.includes(neighbour));
      }),
    );
  });

  it('holds nothing that is not a hash, and turns it away without failing', () => {
    const set = new PubkeyHashSet();
    set.add('00'.repeat(20));
    for (const stranger of ['', 'zz', '0000', 'not hex at all', '00'.repeat(19), '00'.repeat(21)])
      expect(set.has(stranger)).to.equal(false);
    expect(set.has('00'.repeat(20))).to.equal(true);
  });
});
