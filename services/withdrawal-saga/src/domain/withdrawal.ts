/**
 * A withdrawal's life in the saga, as a pure state machine. Every change of status goes through
 * `transition`, so an impossible move (paying a rejected withdrawal, confirming one twice) is a loud
 * invariant failure instead of a silent double payment. The repository records each accepted
 * transition as a step, which is how a restarted process knows where every withdrawal stands.
 */

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

export type WithdrawalEvent =
  | { type: 'FRAUD_APPROVED' }
  | { type: 'FRAUD_HELD' }
  | { type: 'FRAUD_COOLING_DOWN' }
  | { type: 'FRAUD_REJECTED' }
  | { type: 'REVIEW_APPROVED' }
  | { type: 'REVIEW_REJECTED' }
  | { type: 'COOL_DOWN_ELAPSED' }
  | { type: 'FUNDS_SHORT' }
  | { type: 'BATCHED' }
  | { type: 'BATCH_CANCELLED' }
  | { type: 'SIGNED' }
  | { type: 'SIGNER_REFUSED' }
  | { type: 'BROADCAST' }
  | { type: 'CONFIRMED' }
  | { type: 'DROPPED_BY_NETWORK' };

export type WithdrawalEventType = WithdrawalEvent['type'];

/** The status a new withdrawal takes from the fraud decision. */
export type InitialStatus = 'APPROVED' | 'HELD' | 'COOLING_DOWN' | 'FAILED';

export class WithdrawalInvariantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WithdrawalInvariantError';
  }
}

function target(from: WithdrawalStatus, event: WithdrawalEventType): WithdrawalStatus | undefined {
  switch (event) {
    case 'FRAUD_APPROVED':
    case 'FRAUD_HELD':
    case 'FRAUD_COOLING_DOWN':
    case 'FRAUD_REJECTED':
      // Fraud decisions create the withdrawal; they never apply to an existing one.
      return undefined;
    case 'REVIEW_APPROVED':
      return from === 'HELD' || from === 'COOLING_DOWN' ? 'APPROVED' : undefined;
    case 'REVIEW_REJECTED':
      return from === 'HELD' || from === 'COOLING_DOWN' ? 'FAILED' : undefined;
    case 'COOL_DOWN_ELAPSED':
      return from === 'COOLING_DOWN' ? 'APPROVED' : undefined;
    case 'FUNDS_SHORT':
      return from === 'APPROVED' || from === 'WAITING_FOR_FUNDS' ? 'WAITING_FOR_FUNDS' : undefined;
    case 'BATCHED':
      return from === 'APPROVED' || from === 'WAITING_FOR_FUNDS' ? 'AWAITING_SIGNATURE' : undefined;
    case 'BATCH_CANCELLED':
      // Only before a signature exists: once signed, the stored transaction is the only way out.
      return from === 'AWAITING_SIGNATURE' ? 'APPROVED' : undefined;
    case 'SIGNED':
      return from === 'AWAITING_SIGNATURE' ? 'SIGNED' : undefined;
    case 'SIGNER_REFUSED':
      return from === 'AWAITING_SIGNATURE' ? 'FAILED' : undefined;
    case 'BROADCAST':
      return from === 'SIGNED' ? 'BROADCAST' : undefined;
    case 'CONFIRMED':
      return from === 'BROADCAST' ? 'CONFIRMED' : undefined;
    case 'DROPPED_BY_NETWORK':
      return from === 'BROADCAST' || from === 'SIGNED' ? 'FAILED' : undefined;
    default: {
      const unreachable: never = event;
      throw new WithdrawalInvariantError(`unknown withdrawal event ${String(unreachable)}`);
    }
  }
}

/** The status after `event`, or a thrown invariant error when the move is not allowed from `from`. */
export function transition(from: WithdrawalStatus, event: WithdrawalEventType): WithdrawalStatus {
  const next = target(from, event);
  if (next === undefined) throw new WithdrawalInvariantError(`withdrawal cannot go ${event} from ${from}`);
  return next;
}

/** True when `event` is allowed from `from`; for callers that treat a late duplicate as a no-op. */
export function canTransition(from: WithdrawalStatus, event: WithdrawalEventType): boolean {
  return target(from, event) !== undefined;
}

export function isTerminal(status: WithdrawalStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}
