/**
 * How a withdrawal.requested becomes a withdrawal. The wallet validated the request, but the saga does
 * not pay on trust: it screens the amounts, the address and the dust limit itself, and a request it can
 * never pay is opened FAILED at once (REQUEST_REFUSED), because the wallet holds the user's funds in
 * pending and only withdrawal.failed gives them back. A request that passes goes to the fraud rules,
 * whose outcome names its opening step. Pure: address validation is passed in as its result.
 */
import { MoneyError, parseKoinu } from '@dbay/money';
import { SOFT_DUST_LIMIT_KOINU } from '@dbay/dogecoin';
import type { FraudDecision } from './fraud.js';
import {
  FRAUD_OPENING_STEP,
  type FailureCodeOf,
  type RequestedAmounts,
  type WithdrawalFailure,
  type WithdrawalOpening,
} from './withdrawal.js';

/** A withdrawal.requested as the wallet sent it, its amounts still text. */
export interface WithdrawalRequest {
  withdrawalId: string;
  userId: string;
  destinationAddress: string;
  amountText: string;
  networkFeeText: string;
  requestedAt: Date;
  correlationId: string;
  requestedEventId: string;
}

export type AddressCheck = { ok: true } | { ok: false; reason: string };

export type Screening =
  | { kind: 'payable'; amountKoinu: bigint; networkFeeKoinu: bigint }
  | {
      kind: 'refused';
      code: FailureCodeOf<'REQUEST_REFUSED'>;
      reason: string;
      amounts: RequestedAmounts;
    };

type ParsedAmounts = Extract<RequestedAmounts, { kind: 'parsed' }>;

function parseAmounts(request: WithdrawalRequest): ParsedAmounts | { kind: 'invalid'; reason: string } {
  try {
    return {
      kind: 'parsed',
      amountKoinu: parseKoinu(request.amountText),
      networkFeeKoinu: parseKoinu(request.networkFeeText, { allowZero: true }),
    };
  } catch (error) {
    if (error instanceof MoneyError) return { kind: 'invalid', reason: error.message };
    throw error;
  }
}

/** Refuses what can never be paid, the first problem winning: the amounts, the address, then dust. */
export function screenRequest(request: WithdrawalRequest, address: AddressCheck): Screening {
  const amounts = parseAmounts(request);
  if (amounts.kind !== 'parsed') {
    // The amounts stay text: inventing koinu for them would put money in the books that nobody asked for.
    return {
      kind: 'refused',
      code: 'WITHDRAWAL_AMOUNT_INVALID',
      reason: amounts.reason,
      amounts: { kind: 'unparsed', amountText: request.amountText, networkFeeText: request.networkFeeText },
    };
  }
  if (!address.ok)
    return { kind: 'refused', code: 'WITHDRAWAL_ADDRESS_INVALID', reason: address.reason, amounts };
  if (amounts.amountKoinu < SOFT_DUST_LIMIT_KOINU) {
    return {
      kind: 'refused',
      code: 'WITHDRAWAL_AMOUNT_BELOW_DUST',
      reason: `amount is below the ${SOFT_DUST_LIMIT_KOINU} koinu soft dust limit`,
      amounts,
    };
  }
  return { kind: 'payable', amountKoinu: amounts.amountKoinu, networkFeeKoinu: amounts.networkFeeKoinu };
}

function common(request: WithdrawalRequest) {
  return {
    withdrawalId: request.withdrawalId,
    userId: request.userId,
    destinationAddress: request.destinationAddress,
    requestedAt: request.requestedAt,
    correlationId: request.correlationId,
    requestedEventId: request.requestedEventId,
  };
}

/** The opening of a refused request: FAILED, the fraud rules never asked, no script to pay. */
export function openRefused(
  request: WithdrawalRequest,
  refusal: Extract<Screening, { kind: 'refused' }>,
): WithdrawalOpening & { failure: WithdrawalFailure } {
  return {
    ...common(request),
    step: 'REQUEST_REFUSED',
    destinationScriptHex: '',
    amounts: refusal.amounts,
    fraudOutcome: 'not-evaluated',
    fraudReasons: [],
    approvedAt: null,
    releaseAt: null,
    failure: { code: refusal.code, reason: refusal.reason },
  };
}

/** The failure a rejection by the fraud rules reports: every reason the rules found. */
export function fraudRejection(decision: FraudDecision): WithdrawalFailure {
  return {
    code: 'WITHDRAWAL_REJECTED_BY_FRAUD_RULES',
    reason: decision.reasons.map((reason) => reason.message).join('; '),
  };
}

/** The opening of a payable request as the fraud rules decided it at `now`. */
export function openDecided(
  request: WithdrawalRequest,
  payable: Extract<Screening, { kind: 'payable' }>,
  destinationScriptHex: string,
  decision: FraudDecision,
  now: Date,
): WithdrawalOpening {
  return {
    ...common(request),
    step: FRAUD_OPENING_STEP[decision.outcome],
    destinationScriptHex,
    amounts: { kind: 'parsed', amountKoinu: payable.amountKoinu, networkFeeKoinu: payable.networkFeeKoinu },
    fraudOutcome: decision.outcome,
    fraudReasons: decision.reasons,
    approvedAt: decision.outcome === 'approve' ? now : null,
    releaseAt: decision.outcome === 'cool-down' ? decision.releaseAt : null,
    failure: decision.outcome === 'reject' ? fraudRejection(decision) : null,
  };
}
