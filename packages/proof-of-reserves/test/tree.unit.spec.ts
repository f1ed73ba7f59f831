// Proves the Merkle-sum tree a user relies on: every user's proof verifies against the published root,
// the root's total is the exact sum of the liabilities, changing any one balance (or adding, dropping or
// swapping a user) changes the root, a tampered proof fails, and a leaf reveals no user id without its
// salt. Properties run over random sets of users and balances (fast-check).
import { expect } from 'chai';
import fc from 'fast-check';
import {
  buildTree,
  EMPTY_ROOT,
  encodeSum,
  leafNode,
  proofFor,
  proofFromJson,
  proofToJson,
  userSalt,
  verifyProof,
  type Liability,
} from '../src/index.js';

const SECRET = Buffer.alloc(32, 7);
const SNAPSHOT = 'snapshot-1';

const liabilities = fc.uniqueArray(
  fc.record({ userId: fc.uuid(), balanceKoinu: fc.bigInt({ min: 0n, max: 10n ** 18n }) }),
  { minLength: 1, maxLength: 40, selector: (liability) => liability.userId },
);

const sum = (list: readonly Liability[]) => list.reduce((total, l) => total + l.balanceKoinu, 0n);

describe('proof of reserves: Merkle-sum tree', () => {
  it('verifies every user’s proof against the root, whose total is the sum of all liabilities', () => {
    fc.assert(
      fc.property(liabilities, (list) => {
        const tree = buildTree(list, SECRET, SNAPSHOT);
        expect(tree.root.sumKoinu).to.equal(sum(list));
        for (const { userId, balanceKoinu } of list) {
          const proof = proofFor(tree, userId, SECRET)!;
          expect(proof.balanceKoinu).to.equal(balanceKoinu);
          expect(verifyProof(proof, tree.root)).to.deep.equal({ ok: true });
          // Through its JSON form too, as the user downloads it.
          expect(
            verifyProof(proofFromJson(JSON.parse(JSON.stringify(proofToJson(proof)))), tree.root),
          ).to.deep.equal({
            ok: true,
          });
        }
      }),
      { numRuns: 60 },
    );
  });

  it('changes the root when any one balance changes, even by one koinu', () => {
    fc.assert(
      fc.property(liabilities, fc.nat(), fc.bigInt({ min: 1n, max: 10n ** 12n }), (list, pick, delta) => {
        const index = pick % list.length;
        const changed = list.map((l, i) =>
          i === index ? { ...l, balanceKoinu: l.balanceKoinu + delta } : l,
        );
        const before = buildTree(list, SECRET, SNAPSHOT).root;
        const after = buildTree(changed, SECRET, SNAPSHOT).root;
        expect(after.hash.equals(before.hash)).to.equal(false);
        expect(after.sumKoinu - before.sumKoinu).to.equal(delta);
      }),
      { numRuns: 100 },
    );
  });

  it('changes the root when two users swap balances, or a user is dropped', () => {
    fc.assert(
      fc.property(
        liabilities.filter((list) => list.length >= 2),
        (list) => {
          const [first, second] = list as [Liability, Liability];
          fc.pre(first.balanceKoinu !== second.balanceKoinu);
          const swapped = [
            { ...first, balanceKoinu: second.balanceKoinu },
            { ...second, balanceKoinu: first.balanceKoinu },
            ...list.slice(2),
          ];
          const root = buildTree(list, SECRET, SNAPSHOT).root;
          expect(buildTree(swapped, SECRET, SNAPSHOT).root.hash.equals(root.hash)).to.equal(false);
          expect(buildTree(list.slice(1), SECRET, SNAPSHOT).root.hash.equals(root.hash)).to.equal(false);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('fails a proof whose balance, salt, user, sibling sum or root was altered', () => {
    const list = [
      { userId: 'a', balanceKoinu: 5n },
      { userId: 'b', balanceKoinu: 7n },
      { userId: 'c', balanceKoinu: 0n },
    ];
    const tree = buildTree(list, SECRET, SNAPSHOT);
    const proof = proofFor(tree, 'b', SECRET)!;
    expect(verifyProof(proof, tree.root).ok).to.equal(true);
    const step = proof.path[0]!;
    const tampered = [
      { ...proof, balanceKoinu: 8n },
      { ...proof, userId: 'a' },
      { ...proof, salt: Buffer.alloc(32, 1) },
      { ...proof, path: [{ ...step, sumKoinu: step.sumKoinu + 1n }, ...proof.path.slice(1)] },
      { ...proof, path: [{ ...step, sumKoinu: -1n }, ...proof.path.slice(1)] },
      { ...proof, root: { ...proof.root, sumKoinu: proof.root.sumKoinu - 1n } },
    ];
    for (const bad of tampered)
      expect(verifyProof(bad).ok, JSON.stringify(proofToJson({ ...bad, balanceKoinu: 0n }))).to.equal(false);
    // A proof consistent with itself but not with the published root fails when checked against it.
    expect(verifyProof(proof, { ...tree.root, sumKoinu: tree.root.sumKoinu + 1n }).ok).to.equal(false);
  });

  it('gives no proof to a user outside the snapshot, and an empty snapshot the empty root', () => {
    const tree = buildTree([{ userId: 'a', balanceKoinu: 1n }], SECRET, SNAPSHOT);
    expect(proofFor(tree, 'z', SECRET)).to.equal(undefined);
    expect(buildTree([], SECRET, SNAPSHOT).root).to.deep.equal(EMPTY_ROOT);
  });

  it('salts each user per snapshot, so a leaf cannot be matched to a guessed user id', () => {
    const saltA = userSalt(SECRET, SNAPSHOT, 'a');
    expect(saltA.equals(userSalt(SECRET, 'snapshot-2', 'a'))).to.equal(false);
    expect(saltA.equals(userSalt(SECRET, SNAPSHOT, 'b'))).to.equal(false);
    expect(saltA.equals(userSalt(Buffer.alloc(32, 8), SNAPSHOT, 'a'))).to.equal(false);
    const leaf = leafNode(saltA, 'a', 5n);
    expect(leaf.hash.equals(leafNode(Buffer.alloc(32), 'a', 5n).hash)).to.equal(false);
  });

  it('encodes sums as 16 bytes big-endian and refuses negative ones', () => {
    expect(encodeSum(0x0102n).toString('hex')).to.equal('00000000000000000000000000000102');
    expect(() => encodeSum(-1n)).to.throw(RangeError);
    expect(() => buildTree([{ userId: 'a', balanceKoinu: -1n }], SECRET, SNAPSHOT)).to.throw(/negative/);
    expect(() =>
      buildTree(
        [
          { userId: 'a', balanceKoinu: 1n },
          { userId: 'a', balanceKoinu: 2n },
        ],
        SECRET,
        SNAPSHOT,
      ),
    ).to.throw(/twice/);
  });
});
