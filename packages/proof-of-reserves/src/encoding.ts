/**
 * The tree's fixed byte encoding (docs/reserves.md). Every hash is SHA-256 (node:crypto); every sum is
 * a non-negative integer number of koinu written as 16 bytes big-endian, so the largest possible
 * liability total fits with room to spare and no two sums share an encoding.
 *
 *   idHash    = SHA-256( salt (32 bytes) || UTF-8(userId) )
 *   leaf      = SHA-256( 0x00 || idHash || sum16(balanceKoinu) )
 *   internal  = SHA-256( 0x01 || leftHash || sum16(leftSum) || rightHash || sum16(rightSum) )
 *   node sum  = leftSum + rightSum
 *
 * The prefixes 0x00 and 0x01 keep a leaf from ever being read as an internal node (and back). An
 * internal node commits to each child's sum separately, not just to their total, so a prover cannot
 * move liabilities from one side of the tree to the other without changing the root.
 */
import { createHash, createHmac } from 'node:crypto';

export const HASH_BYTES = 32;
export const SALT_BYTES = 32;
export const SUM_BYTES = 16;
export const MAX_SUM_KOINU = (1n << BigInt(SUM_BYTES * 8)) - 1n;

const LEAF_PREFIX = Buffer.from([0x00]);
const INTERNAL_PREFIX = Buffer.from([0x01]);

/** A tree node: its hash and the koinu it commits to. */
export interface SumNode {
  hash: Buffer;
  sumKoinu: bigint;
}

export function encodeSum(sumKoinu: bigint): Buffer {
  if (sumKoinu < 0n || sumKoinu > MAX_SUM_KOINU) throw new RangeError(`sum out of range: ${sumKoinu}`);
  const bytes = Buffer.alloc(SUM_BYTES);
  let rest = sumKoinu;
  for (let index = SUM_BYTES - 1; index >= 0; index--) {
    bytes[index] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return bytes;
}

export function idHash(salt: Buffer, userId: string): Buffer {
  if (salt.length !== SALT_BYTES) throw new RangeError(`a salt has ${SALT_BYTES} bytes, not ${salt.length}`);
  return createHash('sha256').update(salt).update(userId, 'utf8').digest();
}

export function leafNode(salt: Buffer, userId: string, balanceKoinu: bigint): SumNode {
  const hash = createHash('sha256')
    .update(LEAF_PREFIX)
    .update(idHash(salt, userId))
    .update(encodeSum(balanceKoinu))
    .digest();
  return { hash, sumKoinu: balanceKoinu };
}

export function internalNode(left: SumNode, right: SumNode): SumNode {
  const hash = createHash('sha256')
    .update(INTERNAL_PREFIX)
    .update(left.hash)
    .update(encodeSum(left.sumKoinu))
    .update(right.hash)
    .update(encodeSum(right.sumKoinu))
    .digest();
  return { hash, sumKoinu: left.sumKoinu + right.sumKoinu };
}

/**
 * A user's salt in one snapshot: HMAC-SHA256(snapshotSecret, snapshotId || 0x00 || userId). The secret
 * never leaves the platform; each user receives only their own salt, inside their proof, so nobody can
 * test a guessed user id against another leaf, and salts of two snapshots are unrelated.
 */
export function userSalt(snapshotSecret: Buffer, snapshotId: string, userId: string): Buffer {
  if (snapshotSecret.length < SALT_BYTES)
    throw new RangeError(`a snapshot secret needs at least ${SALT_BYTES} bytes`);
  return createHmac('sha256', snapshotSecret)
    .update(snapshotId, 'utf8')
    .update(Buffer.from([0x00]))
    .update(userId, 'utf8')
    .digest();
}
