/**
 * Why the signer refuses a request. Every code is part of the public contract of the
 * withdrawal.signing-refused topic (docs/signer.md lists them with their meaning).
 */
export const REFUSAL_CODES = [
  'SIGNER_MALFORMED_REQUEST',
  'SIGNER_INPUT_NOT_OURS',
  'SIGNER_PREVOUT_MISMATCH',
  'SIGNER_OUTPUT_MISMATCH',
  'SIGNER_FOREIGN_CHANGE',
  'SIGNER_DUST_OUTPUT',
  'SIGNER_FEE_TOO_HIGH',
  'SIGNER_FEE_TOO_LOW',
  'SIGNER_CAP_EXCEEDED',
  'SIGNER_WITHDRAWAL_ALREADY_SIGNED',
  'SIGNER_BUMP_NOT_ALLOWED',
  'SIGNER_ALREADY_BUMPED',
  'SIGNER_SWEEP_NOT_COLD',
] as const;

export type RefusalCode = (typeof REFUSAL_CODES)[number];

export interface SigningRefusal {
  code: RefusalCode;
  /** A sentence for operators. Built only from request data and policy numbers, never from keys. */
  reason: string;
}

export function refusal(code: RefusalCode, reason: string): SigningRefusal {
  return { code, reason };
}
