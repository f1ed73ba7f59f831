/**
 * The shape every use case returns: either accepted (postings, aggregate changes, events, answer) or
 * rejected (a coded error plus any failure events). Nothing is applied until applyDecision.
 */
import type { Network } from 'bitcoinjs-lib';
import type { DomainError, DomainErrorCode } from './errors.js';
import type { DomainEvent } from './events.js';
import type { Posting } from './postings.js';
import type { BidLock, Deposit, Escrow, ReferenceType, Withdrawal } from './types.js';
import type { CommandResult } from './views.js';

export type AggregateChange =
  | { kind: 'escrow'; value: Escrow }
  | { kind: 'bidLock'; value: BidLock }
  | { kind: 'withdrawal'; value: Withdrawal }
  | { kind: 'deposit'; value: Deposit };

export interface Accepted {
  ok: true;
  postings: Posting[];
  reference: { type: ReferenceType; id: string };
  changes: AggregateChange[];
  events: DomainEvent[];
  result: CommandResult;
}

export interface Rejected {
  ok: false;
  error: DomainError;
  events: DomainEvent[];
}

export type Decision = Accepted | Rejected;

/** The rules that come from configuration, not from state. */
export interface WalletPolicy {
  network: Network;
  /** Smallest amount a user may withdraw (excluding the fee). */
  withdrawalMinimumKoinu: bigint;
  /** Flat network fee charged on top of every withdrawal, reserved in pending with the amount. */
  withdrawalNetworkFeeKoinu: bigint;
}

/** What the caller supplies instead of a clock and a random generator, so decisions stay pure. */
export interface DecisionContext {
  /** ISO-8601 time of the batch; the DB transaction commits a few milliseconds later. */
  now: string;
  /** A fresh UUID for this command: the id of any aggregate it creates. */
  commandId: string;
  policy: WalletPolicy;
}

export const reject = (code: DomainErrorCode, message: string, events: DomainEvent[] = []): Rejected => ({
  ok: false,
  error: { code, message },
  events,
});
