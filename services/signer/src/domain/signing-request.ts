/**
 * The signing request as the domain sees it, and its parsing from the wire payload
 * (withdrawal.signing-requested). Parsing is strict: anything unexpected is a
 * SIGNER_MALFORMED_REQUEST refusal, never a guess.
 */
import { z } from 'zod';
import type { WithdrawalSigningRequestedPayload } from '@dbay/contracts';
import { parseKoinu, MoneyError } from '@dbay/money';
import { refusal, type SigningRefusal } from './refusal.js';

export interface WithdrawalToPay {
  withdrawalId: string;
  destinationAddress: string;
  amountKoinu: bigint;
}

export const SIGNING_PURPOSES = ['WITHDRAWALS', 'FEE_BUMP'] as const;
export type SigningPurpose = (typeof SIGNING_PURPOSES)[number];

export interface SigningRequest {
  requestId: string;
  /**
   * WITHDRAWALS pays `withdrawals` (at least one). FEE_BUMP is a child-pays-for-parent transaction:
   * no withdrawals, one input spending `bumpedTxid`'s output to our change key, one output to our
   * change key; its fee is bounded by the bump policy (docs/signer.md).
   */
  purpose: SigningPurpose;
  /** FEE_BUMP: the unconfirmed transaction whose change the bump spends; null for WITHDRAWALS. */
  bumpedTxid: string | null;
  psbtBase64: string;
  /** One BIP44 path per PSBT input, in input order. */
  inputDerivationPaths: string[];
  /** The change output's path (m/44'/3'/0'/1/N), or null when the transaction has no change. */
  changeDerivationPath: string | null;
  withdrawals: WithdrawalToPay[];
}

/** Named limits on what one request may carry. */
export const MAX_WITHDRAWALS_PER_REQUEST = 100;
export const MAX_INPUTS_PER_REQUEST = 500;
/** A PSBT with 500 inputs, each carrying a full previous transaction, stays well below 2 MB. */
export const MAX_PSBT_BASE64_LENGTH = 2_000_000;
const MAX_ID_LENGTH = 200;

/** The contract's payload (the `satisfies` keeps the two in step) with the signer's limits. */
const wirePayload = z.object({
  requestId: z.string().min(1).max(MAX_ID_LENGTH),
  psbtBase64: z.string().min(1).max(MAX_PSBT_BASE64_LENGTH),
  inputDerivationPaths: z.array(z.string().max(64)).min(1).max(MAX_INPUTS_PER_REQUEST),
  changeDerivationPath: z.string().max(64).nullable(),
  purpose: z.enum(SIGNING_PURPOSES),
  bumpedTxid: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'expected a txid: 64 lower-case hex digits')
    .nullable(),
  withdrawals: z
    .array(
      z.object({
        withdrawalId: z.string().min(1).max(MAX_ID_LENGTH),
        destinationAddress: z.string().min(1).max(100),
        amountKoinu: z.string(),
      }),
    )
    .max(MAX_WITHDRAWALS_PER_REQUEST),
}) satisfies z.ZodType<WithdrawalSigningRequestedPayload>;

export type ParsedSigningRequest =
  { ok: true; request: SigningRequest } | { ok: false; refusal: SigningRefusal };

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'payload does not match the schema';
  return `${issue.path.join('.') || 'payload'}: ${issue.message}`;
}

export function parseSigningRequest(payload: unknown): ParsedSigningRequest {
  const parsed = wirePayload.safeParse(payload);
  if (!parsed.success) {
    return { ok: false, refusal: refusal('SIGNER_MALFORMED_REQUEST', describeIssue(parsed.error)) };
  }
  const { purpose, bumpedTxid, changeDerivationPath } = parsed.data;
  const shapeProblem =
    purpose === 'WITHDRAWALS'
      ? parsed.data.withdrawals.length === 0
        ? 'withdrawals: a WITHDRAWALS request pays at least one withdrawal'
        : bumpedTxid !== null
          ? 'bumpedTxid: only a FEE_BUMP request names a bumped transaction'
          : null
      : parsed.data.withdrawals.length > 0
        ? 'withdrawals: a FEE_BUMP request pays no withdrawal'
        : bumpedTxid === null
          ? 'bumpedTxid: a FEE_BUMP request names the transaction it bumps'
          : changeDerivationPath === null
            ? 'changeDerivationPath: a FEE_BUMP request pays our change key'
            : null;
  if (shapeProblem !== null) return { ok: false, refusal: refusal('SIGNER_MALFORMED_REQUEST', shapeProblem) };
  const withdrawals: WithdrawalToPay[] = [];
  const seenIds = new Set<string>();
  for (const withdrawal of parsed.data.withdrawals) {
    if (seenIds.has(withdrawal.withdrawalId)) {
      return {
        ok: false,
        refusal: refusal('SIGNER_MALFORMED_REQUEST', `withdrawal ${withdrawal.withdrawalId} is listed twice`),
      };
    }
    seenIds.add(withdrawal.withdrawalId);
    let amountKoinu: bigint;
    try {
      amountKoinu = parseKoinu(withdrawal.amountKoinu);
    } catch (error) {
      if (!(error instanceof MoneyError)) throw error;
      return {
        ok: false,
        refusal: refusal(
          'SIGNER_MALFORMED_REQUEST',
          `withdrawal ${withdrawal.withdrawalId}: ${error.message}`,
        ),
      };
    }
    withdrawals.push({ ...withdrawal, amountKoinu });
  }
  return { ok: true, request: { ...parsed.data, withdrawals } };
}
