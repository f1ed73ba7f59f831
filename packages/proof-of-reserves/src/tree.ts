/**
 * The Merkle-sum tree of one snapshot: build it from every user's liability, give a user their
 * inclusion proof, and verify a proof against a root. Leaves are ordered by their own hash, so a
 * leaf's position says nothing about who it is or how much it holds. A level with an odd number of
 * nodes carries its last node up unchanged (never duplicated: a copy would count its sum twice).
 */
import { createHash } from 'node:crypto';
import { internalNode, leafNode, userSalt, type SumNode } from './encoding.js';

/** What the platform owes one user: available + locked + pending (escrow included), in koinu. */
export interface Liability {
  userId: string;
  balanceKoinu: bigint;
}

export interface SumTree {
  snapshotId: string;
  /** levels[0] are the leaves in tree order; the last level holds the root alone. */
  levels: SumNode[][];
  /** Leaf position of each user. */
  positions: Map<string, number>;
  root: SumNode;
}

/** The root of a snapshot without users: SHA-256 of nothing, summing to zero. */
export const EMPTY_ROOT: SumNode = { hash: createHash('sha256').digest(), sumKoinu: 0n };

/** A sibling on the way from a leaf to the root: on which side it sits, its hash and its sum. */
export interface ProofStep {
  side: 'left' | 'right';
  hash: Buffer;
  sumKoinu: bigint;
}

export interface Proof {
  snapshotId: string;
  userId: string;
  salt: Buffer;
  balanceKoinu: bigint;
  path: ProofStep[];
  root: SumNode;
}

function compareBuffers(left: Buffer, right: Buffer): number {
  return Buffer.compare(left, right);
}

function nextLevel(level: readonly SumNode[]): SumNode[] {
  const next: SumNode[] = [];
  for (let index = 0; index < level.length; index += 2) {
    const left = level[index]!;
    const right = level[index + 1];
    next.push(right === undefined ? left : internalNode(left, right));
  }
  return next;
}

/** Builds the tree; user ids must be distinct and balances non-negative (a bug otherwise: it throws). */
export function buildTree(
  liabilities: readonly Liability[],
  snapshotSecret: Buffer,
  snapshotId: string,
): SumTree {
  const seen = new Set<string>();
  const leaves = liabilities.map(({ userId, balanceKoinu }) => {
    if (seen.has(userId)) throw new Error(`user ${userId} appears twice in the snapshot`);
    seen.add(userId);
    if (balanceKoinu < 0n) throw new Error(`user ${userId} has a negative liability`);
    return { userId, node: leafNode(userSalt(snapshotSecret, snapshotId, userId), userId, balanceKoinu) };
  });
  leaves.sort((left, right) => compareBuffers(left.node.hash, right.node.hash));
  const positions = new Map(leaves.map((leaf, index) => [leaf.userId, index]));
  const levels: SumNode[][] = [leaves.map((leaf) => leaf.node)];
  while (levels[levels.length - 1]!.length > 1) levels.push(nextLevel(levels[levels.length - 1]!));
  const root = levels[levels.length - 1]![0] ?? EMPTY_ROOT;
  return { snapshotId, levels, positions, root };
}

/** The inclusion proof of `userId`, or undefined when the user is not in the snapshot. */
export function proofFor(tree: SumTree, userId: string, snapshotSecret: Buffer): Proof | undefined {
  let index = tree.positions.get(userId);
  if (index === undefined) return undefined;
  const leaf = tree.levels[0]![index]!;
  const path: ProofStep[] = [];
  for (const level of tree.levels.slice(0, -1)) {
    const siblingIndex = index % 2 === 0 ? index + 1 : index - 1;
    const sibling = level[siblingIndex];
    if (sibling !== undefined) {
      path.push({ side: index % 2 === 0 ? 'right' : 'left', hash: sibling.hash, sumKoinu: sibling.sumKoinu });
    }
    index = Math.floor(index / 2);
  }
  return {
    snapshotId: tree.snapshotId,
    userId,
    salt: userSalt(snapshotSecret, tree.snapshotId, userId),
    balanceKoinu: leaf.sumKoinu,
    path,
    root: tree.root,
  };
}

export type Verification = { ok: true } | { ok: false; reason: string };

/**
 * Recomputes the root from the user's own leaf and the siblings, and compares hash and sum with the
 * proof's root (and, when given, with the root the platform published). A negative sum anywhere fails:
 * it would let a prover hide liabilities.
 */
export function verifyProof(proof: Proof, publishedRoot?: SumNode): Verification {
  if (proof.balanceKoinu < 0n) return { ok: false, reason: 'the balance is negative' };
  let node = leafNode(proof.salt, proof.userId, proof.balanceKoinu);
  for (const [index, step] of proof.path.entries()) {
    if (step.sumKoinu < 0n) return { ok: false, reason: `step ${index} has a negative sum` };
    const sibling = { hash: step.hash, sumKoinu: step.sumKoinu };
    node = step.side === 'left' ? internalNode(sibling, node) : internalNode(node, sibling);
  }
  const roots = publishedRoot === undefined ? [proof.root] : [proof.root, publishedRoot];
  for (const root of roots) {
    if (!node.hash.equals(root.hash))
      return {
        ok: false,
        reason: `computed root ${node.hash.toString('hex')} is not ${root.hash.toString('hex')}`,
      };
    if (node.sumKoinu !== root.sumKoinu)
      return { ok: false, reason: `computed total ${node.sumKoinu} is not ${root.sumKoinu}` };
  }
  return { ok: true };
}
