/**
 * A withdrawal's life in the saga, as a pure state machine with its vocabulary: statuses, the steps
 * that move between them, and the failure codes a move into FAILED reports on withdrawal.failed.
 * Every change of status goes through `transition`, so an impossible move (paying a rejected
 * withdrawal, confirming one twice) is a loud invariant failure instead of a silent double payment.
 * The repository records each step in the same transaction as the change, which is how a restarted
 * process knows where every withdrawal stands.
 *
 *   (request) --REQUEST_REFUSED----> FAILED            amount or address unusable, or dust
 *   (request) --FRAUD_REJECTED-----> FAILED
 *   (request) --FRAUD_HELD---------> HELD              --REVIEW_APPROVED--> APPROVED
 *   (request) --FRAUD_COOLING_DOWN-> COOLING_DOWN      --REVIEW_APPROVED or COOL_DOWN_ELAPSED--> APPROVED
 *   (request) --FRAUD_APPROVED-----> APPROVED          HELD/COOLING_DOWN --REVIEW_REJECTED--> FAILED
 *   APPROVED/WAITING_FOR_FUNDS --FUNDS_SHORT--> WAITING_FOR_FUNDS
 *   WAITING_FOR_FUNDS --FUNDS_WAIT_EXPIRED--> FAILED    waited longer than WITHDRAWAL_FUNDS_TIMEOUT_MS
 *   APPROVED/WAITING_FOR_FUNDS --BATCHED--> AWAITING_SIGNATURE --BATCH_CANCELLED--> APPROVED
 *   AWAITING_SIGNATURE --SIGNER_REFUSED--> FAILED
 *   AWAITING_SIGNATURE --SIGNED--> SIGNED --BROADCAST--> BROADCAST --CONFIRMED--> CONFIRMED
 *   SIGNED/BROADCAST --DROPPED_BY_NETWORK--> FAILED
 */
import { InvariantViolation, invariantOf, type Invariant } from '@dbay/platform/invariant';
import { FRAUD_OUTCOMES, type FraudOutcome, type FraudReason } from './fraud.js';

export const WITHDRAWAL_STATUSES = [
  'HELD', // waiting for a human reviewer
  'COOLING_DOWN', // new destination: released automatically at releaseAt unless a reviewer decides first
  'APPROVED', // cleared by the fraud rules or a reviewer; waits for the next batch
  'WAITING_FOR_FUNDS', // approved, but the hot wallet cannot cover it yet
  'AWAITING_SIGNATURE', // in a batch whose unsigned PSBT went to the signer
  'SIGNED', // the signed raw transaction and txid are stored; not yet known to be broadcast
  'BROADCAST', // the node accepted the transaction (or already had it)
  'CONFIRMED', // terminal: 6 confirmations, withdrawal.confirmed emitted
  'FAILED', // terminal: withdrawal.failed emitted, the wallet returns pending to available
] as const;

export type WithdrawalStatus = (typeof WITHDRAWAL_STATUSES)[number];

export const TERMINAL_STATUSES: readonly WithdrawalStatus[] = ['CONFIRMED', 'FAILED'];

/** Statuses a reviewer may still decide on. */
export const REVIEWABLE_STATUSES: readonly WithdrawalStatus[] = ['HELD', 'COOLING_DOWN'];

/** Statuses in which the withdrawal is not in a batch yet and may be picked by the batcher. */
export const BATCHABLE_STATUSES: readonly WithdrawalStatus[] = ['APPROVED', 'WAITING_FOR_FUNDS'];

/** The steps that create a withdrawal, each with the status it creates it in. */
export const OPENING_STEPS = {
  REQUEST_REFUSED: 'FAILED',
  FRAUD_APPROVED: 'APPROVED',
  FRAUD_HELD: 'HELD',
  FRAUD_COOLING_DOWN: 'COOLING_DOWN',
  FRAUD_REJECTED: 'FAILED',
} as const satisfies Record<string, WithdrawalStatus>;

export type OpeningStepName = keyof typeof OPENING_STEPS;

interface Move {
  from: readonly WithdrawalStatus[];
  to: WithdrawalStatus;
}

/** The steps that move an existing withdrawal: every status each may start from, and where it leads. */
export const MOVES = {
  REVIEW_APPROVED: { from: REVIEWABLE_STATUSES, to: 'APPROVED' },
  REVIEW_REJECTED: { from: REVIEWABLE_STATUSES, to: 'FAILED' },
  COOL_DOWN_ELAPSED: { from: ['COOLING_DOWN'], to: 'APPROVED' },
  FUNDS_SHORT: { from: BATCHABLE_STATUSES, to: 'WAITING_FOR_FUNDS' },
  // The hot wallet stayed short for longer than the configured limit: the user gets the money back.
  FUNDS_WAIT_EXPIRED: { from: ['WAITING_FOR_FUNDS'], to: 'FAILED' },
  BATCHED: { from: BATCHABLE_STATUSES, to: 'AWAITING_SIGNATURE' },
  // Only before a signature exists: once signed, the stored transaction is the only way out.
  BATCH_CANCELLED: { from: ['AWAITING_SIGNATURE'], to: 'APPROVED' },
  SIGNED: { from: ['AWAITING_SIGNATURE'], to: 'SIGNED' },
  SIGNER_REFUSED: { from: ['AWAITING_SIGNATURE'], to: 'FAILED' },
  BROADCAST: { from: ['SIGNED'], to: 'BROADCAST' },
  CONFIRMED: { from: ['BROADCAST'], to: 'CONFIRMED' },
  DROPPED_BY_NETWORK: { from: ['SIGNED', 'BROADCAST'], to: 'FAILED' },
} as const satisfies Record<string, Move>;

export type MoveStepName = keyof typeof MOVES;

/** Every step a withdrawal can record: the one vocabulary of `withdrawal_steps.step`. */
export type StepName = OpeningStepName | MoveStepName;

export const STEP_NAMES: readonly StepName[] = [
  ...(Object.keys(OPENING_STEPS) as OpeningStepName[]),
  ...(Object.keys(MOVES) as MoveStepName[]),
];

/** The step each fraud outcome opens a withdrawal with. */
export const FRAUD_OPENING_STEP = {
  approve: 'FRAUD_APPROVED',
  hold: 'FRAUD_HELD',
  'cool-down': 'FRAUD_COOLING_DOWN',
  reject: 'FRAUD_REJECTED',
} as const satisfies Record<FraudOutcome, OpeningStepName>;

/**
 * The reasonCode values of withdrawal.failed, by the step that fails the withdrawal. Every step into
 * FAILED has its codes here and no other step does; a unit test holds the two together.
 */
export const FAILURE_CODES = {
  REQUEST_REFUSED: [
    'WITHDRAWAL_AMOUNT_INVALID',
    'WITHDRAWAL_ADDRESS_INVALID',
    'WITHDRAWAL_AMOUNT_BELOW_DUST',
  ],
  FRAUD_REJECTED: ['WITHDRAWAL_REJECTED_BY_FRAUD_RULES'],
  REVIEW_REJECTED: ['WITHDRAWAL_REJECTED_IN_REVIEW'],
  FUNDS_WAIT_EXPIRED: ['WITHDRAWAL_FUNDS_WAIT_EXPIRED'],
  SIGNER_REFUSED: ['WITHDRAWAL_SIGNER_REFUSED'],
  DROPPED_BY_NETWORK: ['WITHDRAWAL_DROPPED_BY_NETWORK'],
} as const satisfies Partial<Record<StepName, readonly string[]>>;

export type FailingStepName = keyof typeof FAILURE_CODES;
export type FailureCodeOf<S extends FailingStepName> = (typeof FAILURE_CODES)[S][number];
export type WithdrawalFailureCode = FailureCodeOf<FailingStepName>;

export const WITHDRAWAL_FAILURE_CODES: readonly WithdrawalFailureCode[] = Object.values(FAILURE_CODES).flat();

const FAILURE_CODES_BY_STEP: Partial<Record<StepName, readonly WithdrawalFailureCode[]>> = FAILURE_CODES;

export interface WithdrawalFailure {
  code: WithdrawalFailureCode;
  reason: string;
}

/** A broken withdrawal rule: a move the lifecycle does not allow, or a failure that does not fit its step. */
export class WithdrawalInvariantViolation extends InvariantViolation {
  constructor(message: string) {
    super('withdrawal', message);
  }
}

const invariant: Invariant = invariantOf(WithdrawalInvariantViolation);

export function isOpeningStep(step: StepName): step is OpeningStepName {
  return Object.hasOwn(OPENING_STEPS, step);
}

function target(from: WithdrawalStatus, step: StepName): WithdrawalStatus | undefined {
  // Opening steps create the withdrawal; they never apply to an existing one.
  if (isOpeningStep(step)) return undefined;
  const move: Move = MOVES[step];
  return move.from.includes(from) ? move.to : undefined;
}

/** The status after `step`, or a thrown invariant error when the move is not allowed from `from`. */
export function transition(from: WithdrawalStatus, step: StepName): WithdrawalStatus {
  const next = target(from, step);
  invariant(next !== undefined, `withdrawal cannot go ${step} from ${from}`);
  return next;
}

/** True when `step` is allowed from `from`; for callers that treat a late duplicate as a no-op. */
export function canTransition(from: WithdrawalStatus, step: StepName): boolean {
  return target(from, step) !== undefined;
}

export function isTerminal(status: WithdrawalStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/**
 * Checks that a step into `to` carries the failure it must: a failing step one of its own codes, any
 * other step none. withdrawal.failed tells the wallet why it refunds, so a FAILED withdrawal without
 * its code, or with another step's code, is a bug.
 */
export function assertFailureFits(
  step: StepName,
  to: WithdrawalStatus,
  failure: WithdrawalFailure | null,
): void {
  const codes = FAILURE_CODES_BY_STEP[step];
  if (to !== 'FAILED' && failure === null && codes === undefined) return;
  if (to === 'FAILED' && failure !== null && codes?.includes(failure.code)) return;
  throw new WithdrawalInvariantViolation(
    `step ${step} into ${to} cannot record failure ${failure === null ? 'none' : failure.code}`,
  );
}

/**
 * A request's amounts. They are koinu once parsed; a request whose amounts did not parse was refused
 * (REQUEST_REFUSED, WITHDRAWAL_AMOUNT_INVALID) and keeps them only as the text the wallet sent, so no
 * amount is ever invented for it.
 */
export type RequestedAmounts =
  | { kind: 'parsed'; amountKoinu: bigint; networkFeeKoinu: bigint }
  | { kind: 'unparsed'; amountText: string; networkFeeText: string };

/** What the fraud rules said, or that they never ran because the request was refused first. */
export const RECORDED_FRAUD_OUTCOMES = [...FRAUD_OUTCOMES, 'not-evaluated'] as const;

export type RecordedFraudOutcome = (typeof RECORDED_FRAUD_OUTCOMES)[number];

export interface Withdrawal {
  withdrawalId: string;
  userId: string;
  destinationAddress: string;
  /** The destination's output script; empty when the request was refused for its address. */
  destinationScriptHex: string;
  amounts: RequestedAmounts;
  requestedAt: Date;
  status: WithdrawalStatus;
  statusChangedAt: Date;
  fraudOutcome: RecordedFraudOutcome;
  fraudReasons: FraudReason[];
  approvedAt: Date | null;
  releaseAt: Date | null;
  reviewedBy: string | null;
  reviewNote: string | null;
  /** Pay alone: a batch it was in was refused by the signer. */
  solo: boolean;
  batchId: string | null;
  minerFeeShareKoinu: bigint | null;
  failure: WithdrawalFailure | null;
  correlationId: string;
}

/** A withdrawal whose amounts are known: the only kind the batcher and the broadcaster ever see. */
export type PayableWithdrawal = Withdrawal & { amounts: { kind: 'parsed' } };

export function isPayable(withdrawal: Withdrawal): withdrawal is PayableWithdrawal {
  return withdrawal.amounts.kind === 'parsed';
}

/** A new withdrawal as its opening step records it; its first status follows from the step. */
export interface WithdrawalOpening {
  step: OpeningStepName;
  withdrawalId: string;
  userId: string;
  destinationAddress: string;
  destinationScriptHex: string;
  amounts: RequestedAmounts;
  requestedAt: Date;
  fraudOutcome: RecordedFraudOutcome;
  fraudReasons: FraudReason[];
  approvedAt: Date | null;
  releaseAt: Date | null;
  failure: WithdrawalFailure | null;
  correlationId: string;
  requestedEventId: string;
}

/** One recorded step of a withdrawal: the audit trail the review API shows. */
export interface Step {
  step: StepName;
  /** null for the opening step. */
  fromStatus: WithdrawalStatus | null;
  toStatus: WithdrawalStatus;
  detail: Record<string, unknown>;
  occurredAt: Date;
}
