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

export const SIGNING_PURPOSES = ['WITHDRAWALS', 'FEE_BUMP', 'SWEEP'] as const;
export type SigningPurpose = (typeof SIGNING_PURPOSES)[number];

export interface SigningRequest {
  requestId: string;
  /**
   * WITHDRAWALS pays `withdrawals` (at least one). FEE_BUMP is a child-pays-for-parent transaction:
   * no withdrawals, one input spending `bumpedTxid`'s output to our change key, one output to our
   * change key; its fee is bounded by the bump policy (docs/signer.md).
   */
  purpose: SigningPurpose;
  /** FEE_BUMP: the unconfirmed transaction whose change the bump spends; null otherwise. */
  bumpedTxid: string | null;
  /** SWEEP: the cold account's receive indexes it pays, one output each; empty otherwise. */
  coldAddressIndexes: number[];
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
export const MAX_COLD_OUTPUTS_PER_REQUEST = 20;
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
  coldAddressIndexes: z.array(z.number().int().min(0).max(0x7fffffff)).max(MAX_COLD_OUTPUTS_PER_REQUEST),
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

/** What each purpose must and must not carry; null when the request fits its purpose. */
function shapeProblemOf(request: z.output<typeof wirePayload>): string | null {
  const { purpose, bumpedTxid, changeDerivationPath, withdrawals, coldAddressIndexes } = request;
  if (purpose !== 'WITHDRAWALS' && withdrawals.length > 0)
    return `withdrawals: a ${purpose} request pays no withdrawal`;
  if (purpose !== 'FEE_BUMP' && bumpedTxid !== null)
    return 'bumpedTxid: only a FEE_BUMP request names a bumped transaction';
  if (purpose !== 'SWEEP' && coldAddressIndexes.length > 0)
    return 'coldAddressIndexes: only a SWEEP request pays the cold account';
  switch (purpose) {
    case 'WITHDRAWALS':
      return withdrawals.length === 0
        ? 'withdrawals: a WITHDRAWALS request pays at least one withdrawal'
        : null;
    case 'FEE_BUMP':
      if (bumpedTxid === null) return 'bumpedTxid: a FEE_BUMP request names the transaction it bumps';
      return changeDerivationPath === null
        ? 'changeDerivationPath: a FEE_BUMP request pays our change key'
        : null;
    case 'SWEEP':
      if (coldAddressIndexes.length === 0)
        return 'coldAddressIndexes: a SWEEP request pays at least one cold address';
      return new Set(coldAddressIndexes).size === coldAddressIndexes.length
        ? null
        : 'coldAddressIndexes: a cold address is listed twice';
    default: {
      const unreachable: never = purpose;
      return `purpose ${String(unreachable)} is unknown`;
    }
  }
}

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
  const shapeProblem = shapeProblemOf(parsed.data);
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
