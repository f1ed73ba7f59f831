/**
 * `withdrawal-finalized-once`: every withdrawal the saga saw confirmed is FINALIZED exactly once by the
 * wallet (one WITHDRAWAL entry out of pending); nothing is finalized without it.
 *
 * In flight (forgiven within the grace period, by both sides' timestamps): the saga confirmed it and
 * the wallet still has it REQUESTED; or, the other way round, the wallet finalized it once while the
 * saga is still at BROADCAST, the step before CONFIRMED. A withdrawal one side never had, a second
 * finalization or a FAILED one the saga confirmed is never work in flight.
 */
import { changedWithinGrace, type GraceWindow } from '../grace.js';
import { finding, type Finding } from '../findings.js';

/** The saga's statuses this check relies on (services/withdrawal-saga/src/domain/withdrawal.ts). */
const SAGA_CONFIRMED = 'CONFIRMED';
const SAGA_BROADCAST = 'BROADCAST';

export interface SagaWithdrawal {
  /** Any of the saga's statuses, as it stores them. */
  status: string;
  statusChangedAt: Date;
}

/** The wallet's withdrawal_requests vocabulary. */
export type WalletWithdrawalStatus = 'REQUESTED' | 'FINALIZED' | 'FAILED';

export interface WalletWithdrawal {
  status: WalletWithdrawalStatus;
  updatedAt: Date;
}

export interface WithdrawalPair {
  withdrawalId: string;
  saga: SagaWithdrawal | null;
  wallet: WalletWithdrawal | null;
  /** WITHDRAWAL entries out of the user's pending bucket for this withdrawal. */
  finalizations: number;
}

function inFlight(pair: WithdrawalPair, window: GraceWindow): boolean {
  const { saga, wallet, finalizations } = pair;
  if (saga === null || wallet === null) return false;
  const sagaAhead = saga.status === SAGA_CONFIRMED && wallet.status === 'REQUESTED' && finalizations === 0;
  const walletAhead = saga.status === SAGA_BROADCAST && wallet.status === 'FINALIZED' && finalizations === 1;
  return (sagaAhead || walletAhead) && changedWithinGrace(window, saga.statusChangedAt, wallet.updatedAt);
}

export function checkWithdrawalFinalized(pair: WithdrawalPair, window: GraceWindow): Finding[] {
  const sagaConfirmed = pair.saga?.status === SAGA_CONFIRMED;
  const walletFinalized = pair.wallet?.status === 'FINALIZED';
  const agreed = sagaConfirmed
    ? walletFinalized && pair.finalizations === 1
    : !walletFinalized && pair.finalizations === 0;
  if (agreed || inFlight(pair, window)) return [];
  return [
    finding(
      'withdrawal-finalized-once',
      'withdrawal',
      pair.withdrawalId,
      sagaConfirmed ? '1 finalization' : '0 finalizations',
      `${pair.finalizations} finalization(s)`,
      `saga status ${pair.saga?.status ?? 'none'}, wallet status ${pair.wallet?.status ?? 'none'}`,
    ),
  ];
}
