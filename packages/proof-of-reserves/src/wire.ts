/**
 * A proof as JSON, the form a user downloads and the verifier reads: hashes and salts as lower-case
 * hex, koinu as integer strings (never JSON numbers, which lose precision). `format` names this
 * encoding so a later one can be told apart.
 */
import { z } from 'zod';
import { HASH_BYTES, MAX_SUM_KOINU, SALT_BYTES, type SumNode } from './encoding.js';
import type { Proof } from './tree.js';

export const PROOF_FORMAT = 'dbay-proof-of-reserves/1';

const hex = (bytes: number) =>
  z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`), `${bytes} bytes of lower-case hex`);
// Sums are not amounts a user enters: a root's total may exceed @dbay/money's per-amount ceiling, so
// they are read as plain non-negative integers up to what the 16-byte encoding holds.
const koinu = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,38})$/, 'a non-negative integer koinu string')
  .transform((text) => BigInt(text))
  .refine((value) => value <= MAX_SUM_KOINU, 'more koinu than 16 bytes hold');

const rootSchema = z.object({ hashHex: hex(HASH_BYTES), sumKoinu: koinu });

export const proofJsonSchema = z.object({
  format: z.literal(PROOF_FORMAT),
  snapshotId: z.string().min(1),
  userId: z.string().min(1),
  saltHex: hex(SALT_BYTES),
  balanceKoinu: koinu,
  path: z
    .array(z.object({ side: z.enum(['left', 'right']), hashHex: hex(HASH_BYTES), sumKoinu: koinu }))
    .max(256),
  root: rootSchema,
});

export type ProofJson = z.input<typeof proofJsonSchema>;

export interface RootJson {
  hashHex: string;
  sumKoinu: string;
}

export function rootToJson(root: SumNode): RootJson {
  return { hashHex: root.hash.toString('hex'), sumKoinu: root.sumKoinu.toString() };
}

export function rootFromJson(json: unknown): SumNode {
  const root = rootSchema.parse(json);
  return { hash: Buffer.from(root.hashHex, 'hex'), sumKoinu: root.sumKoinu };
}

export function proofToJson(proof: Proof): ProofJson {
  return {
    format: PROOF_FORMAT,
    snapshotId: proof.snapshotId,
    userId: proof.userId,
    saltHex: proof.salt.toString('hex'),
    balanceKoinu: proof.balanceKoinu.toString(),
    path: proof.path.map((step) => ({
      side: step.side,
      hashHex: step.hash.toString('hex'),
      sumKoinu: step.sumKoinu.toString(),
    })),
    root: rootToJson(proof.root),
  };
}

/** Reads a proof from parsed JSON; throws a ZodError naming the field when it does not fit. */
export function proofFromJson(json: unknown): Proof {
  const parsed = proofJsonSchema.parse(json);
  return {
    snapshotId: parsed.snapshotId,
    userId: parsed.userId,
    salt: Buffer.from(parsed.saltHex, 'hex'),
    balanceKoinu: parsed.balanceKoinu,
    path: parsed.path.map((step) => ({
      side: step.side,
      hash: Buffer.from(step.hashHex, 'hex'),
      sumKoinu: step.sumKoinu,
    })),
    root: { hash: Buffer.from(parsed.root.hashHex, 'hex'), sumKoinu: parsed.root.sumKoinu },
  };
}
