/**
 * The life of one deposit (one txid:vout paying a watched address) and the events each step emits.
 * Pure: every function takes the current state and an observation and returns the next state and
 * the events to enqueue in the same transaction.
 *
 *   (new) --seen in mempool--> pending, 0 conf            emits deposit.detected
 *   (new) --seen in a block--> pending, 1 conf            emits deposit.detected
 *   pending in mempool --mined--> pending, 1 conf         emits deposit.confirmations-changed
 *   pending in a block --tip moves--> n conf              emits deposit.confirmations-changed
 *                      --n >= required--> confirmed       emits deposit.confirmed (once)
 *   pending in a block --its block disconnected--> pending, 0 conf, out of the chain
 *                                                         emits deposit.confirmations-changed
 *   pending/confirmed out of the chain --back in a block--> anchored again (pending: changed event)
 *   not in the chain and not in the mempool for DEPOSIT_MEMPOOL_DROP_POLLS polls --> reversed
 *                                                         emits deposit.reversed
 *   reversed --seen again--> pending                      emits deposit.detected again
 */
import { InvariantViolation, invariantOf, type Invariant } from '@dbay/platform/invariant';
import { confirmationProgress, confirmationsAt } from './confirmations.js';
import type { BlockRef } from './chain.js';
import type { MatchedPayment } from './matching.js';
import { TOPICS } from '@dbay/contracts';
import type { DepositEvent } from './events.js';

export type DepositStatus = 'pending' | 'confirmed' | 'reversed';

export interface Deposit {
  txid: string;
  vout: number;
  userId: string;
  address: string;
  derivationPath: string;
  amountKoinu: bigint;
  status: DepositStatus;
  /** The block of the node's best chain holding the transaction; null while it is not in one. */
  block: BlockRef | null;
  /** Confirmations last reported (0 out of a block); frozen once confirmed. */
  confirmations: number;
  rawTransactionHex: string;
  /** Consecutive complete polls in which the transaction was in neither the chain nor the mempool. */
  missingPolls: number;
  /** True after a reorg took the deposit's block away, until it is in a block again. */
  leftChain: boolean;
}

export type ReversalReason = 'DEPOSIT_LEFT_CHAIN' | 'DEPOSIT_DROPPED_FROM_MEMPOOL';

export interface Decision {
  deposit: Deposit;
  events: DepositEvent[];
}

/** A broken deposit rule: a bug, or a chain answer that contradicts what was stored. */
export class DepositInvariantViolation extends InvariantViolation {
  constructor(message: string) {
    super('deposit', message);
  }
}

const invariant: Invariant = invariantOf(DepositInvariantViolation);

function detected(deposit: Deposit): DepositEvent {
  return {
    topic: TOPICS.depositDetected,
    payload: {
      userId: deposit.userId,
      address: deposit.address,
      txid: deposit.txid,
      vout: deposit.vout,
      amountKoinu: deposit.amountKoinu.toString(),
      confirmations: deposit.confirmations,
      blockHash: deposit.block?.hash ?? null,
      blockHeight: deposit.block?.height ?? null,
    },
  };
}

function confirmationsChanged(deposit: Deposit): DepositEvent {
  return {
    topic: TOPICS.depositConfirmationsChanged,
    payload: {
      userId: deposit.userId,
      txid: deposit.txid,
      vout: deposit.vout,
      confirmations: deposit.confirmations,
      blockHash: deposit.block?.hash ?? null,
      blockHeight: deposit.block?.height ?? null,
    },
  };
}

function confirmed(deposit: Deposit, block: BlockRef): DepositEvent {
  return {
    topic: TOPICS.depositConfirmed,
    payload: {
      userId: deposit.userId,
      address: deposit.address,
      derivationPath: deposit.derivationPath,
      txid: deposit.txid,
      vout: deposit.vout,
      amountKoinu: deposit.amountKoinu.toString(),
      blockHash: block.hash,
      blockHeight: block.height,
      confirmations: deposit.confirmations,
      rawTransactionHex: deposit.rawTransactionHex,
    },
  };
}

function reversed(deposit: Deposit, wasConfirmed: boolean, reason: ReversalReason): DepositEvent {
  return {
    topic: TOPICS.depositReversed,
    payload: {
      userId: deposit.userId,
      address: deposit.address,
      txid: deposit.txid,
      vout: deposit.vout,
      amountKoinu: deposit.amountKoinu.toString(),
      wasConfirmed,
      reason,
    },
  };
}

function newDeposit(payment: MatchedPayment, rawTransactionHex: string, block: BlockRef | null): Deposit {
  invariant(payment.amountKoinu > 0n, 'a deposit must have a positive amount');
  return {
    txid: payment.txid,
    vout: payment.vout,
    userId: payment.watched.userId,
    address: payment.watched.address,
    derivationPath: payment.watched.derivationPath,
    amountKoinu: payment.amountKoinu,
    status: 'pending',
    block,
    confirmations: block === null ? 0 : 1,
    rawTransactionHex,
    missingPolls: 0,
    leftChain: false,
  };
}

function checkSamePayment(existing: Deposit, payment: MatchedPayment): void {
  // A txid commits to its outputs, so the same txid:vout can never pay someone else or another amount.
  invariant(
    existing.amountKoinu === payment.amountKoinu && existing.address === payment.watched.address,
    `${existing.txid}:${existing.vout} was stored as ${existing.amountKoinu} koinu to ${existing.address}, ` +
      `now seen as ${payment.amountKoinu} koinu to ${payment.watched.address}`,
  );
}

/**
 * The payment is in `block`, which the scan is connecting as the new tip. Confirmation counting for
 * the new tip happens afterwards in `tipAdvanced`, for every anchored deposit alike.
 */
export function seenInBlock(
  existing: Deposit | undefined,
  payment: MatchedPayment,
  rawTransactionHex: string,
  block: BlockRef,
): Decision {
  if (existing === undefined) {
    const deposit = newDeposit(payment, rawTransactionHex, block);
    return { deposit, events: [detected(deposit)] };
  }
  checkSamePayment(existing, payment);
  if (existing.block !== null) {
    throw new DepositInvariantViolation(
      `${existing.txid}:${existing.vout} is already in block ${existing.block.hash}, now seen in ${block.hash}`,
    );
  }
  switch (existing.status) {
    case 'pending': {
      const deposit: Deposit = { ...existing, block, confirmations: 1, missingPolls: 0, leftChain: false };
      return { deposit, events: [confirmationsChanged(deposit)] };
    }
    case 'confirmed':
      // Back in the chain after a deep reorg: it was credited already, so nothing more to say.
      return { deposit: { ...existing, block, missingPolls: 0, leftChain: false }, events: [] };
    case 'reversed': {
      const deposit: Deposit = {
        ...existing,
        status: 'pending',
        block,
        confirmations: 1,
        missingPolls: 0,
        leftChain: false,
      };
      return { deposit, events: [detected(deposit)] };
    }
    default: {
      const unreachable: never = existing.status;
      throw new DepositInvariantViolation(`unknown status ${String(unreachable)}`);
    }
  }
}

/** The payment is in the node's mempool. */
export function seenInMempool(
  existing: Deposit | undefined,
  payment: MatchedPayment,
  rawTransactionHex: string,
): Decision {
  if (existing === undefined) {
    const deposit = newDeposit(payment, rawTransactionHex, null);
    return { deposit, events: [detected(deposit)] };
  }
  checkSamePayment(existing, payment);
  if (existing.status === 'reversed') {
    const deposit: Deposit = {
      ...existing,
      status: 'pending',
      block: null,
      confirmations: 0,
      missingPolls: 0,
    };
    return { deposit, events: [detected(deposit)] };
  }
  // Pending or confirmed and out of the chain: it is still around, so it is not missing.
  if (existing.block === null) return { deposit: { ...existing, missingPolls: 0 }, events: [] };
  // In a block as far as we know, while the node's mempool has it: the node is reorganising and the
  // next scan will tell; nothing to do now.
  return { deposit: existing, events: [] };
}

/** The scanned tip moved to `tip`: count confirmations of a pending deposit that is in a block. */
export function tipAdvanced(existing: Deposit, tip: BlockRef, requiredConfirmations: number): Decision {
  if (existing.status !== 'pending' || existing.block === null) return { deposit: existing, events: [] };
  const current = confirmationsAt(existing.block.height, tip.height);
  const progress = confirmationProgress(existing.confirmations, current, requiredConfirmations);
  switch (progress.kind) {
    case 'unchanged':
      return { deposit: existing, events: [] };
    case 'changed': {
      const deposit: Deposit = { ...existing, confirmations: progress.confirmations };
      return { deposit, events: [confirmationsChanged(deposit)] };
    }
    case 'confirmed': {
      const deposit: Deposit = { ...existing, status: 'confirmed', confirmations: progress.confirmations };
      return { deposit, events: [confirmed(deposit, existing.block)] };
    }
    default: {
      const unreachable: never = progress;
      throw new DepositInvariantViolation(`unknown progress ${JSON.stringify(unreachable)}`);
    }
  }
}

/** A reorg disconnected the deposit's block. */
export function blockDisconnected(existing: Deposit): Decision {
  if (existing.block === null || existing.status === 'reversed') return { deposit: existing, events: [] };
  if (existing.status === 'confirmed') {
    // Confirmations are frozen at the credit; whether it comes back decides between nothing and a
    // reversal with wasConfirmed = true.
    return { deposit: { ...existing, block: null, missingPolls: 0, leftChain: true }, events: [] };
  }
  const deposit: Deposit = { ...existing, block: null, confirmations: 0, missingPolls: 0, leftChain: true };
  return { deposit, events: [confirmationsChanged(deposit)] };
}

/**
 * A complete poll (scan at the node's tip, mempool listed) did not find the transaction anywhere.
 * After `dropPolls` such polls in a row the deposit is reversed.
 */
export function missingFromNode(existing: Deposit, dropPolls: number): Decision {
  if (existing.status === 'reversed' || existing.block !== null) return { deposit: existing, events: [] };
  const missingPolls = existing.missingPolls + 1;
  if (missingPolls < dropPolls) return { deposit: { ...existing, missingPolls }, events: [] };
  const wasConfirmed = existing.status === 'confirmed';
  const reason: ReversalReason = existing.leftChain ? 'DEPOSIT_LEFT_CHAIN' : 'DEPOSIT_DROPPED_FROM_MEMPOOL';
  const deposit: Deposit = { ...existing, status: 'reversed', confirmations: 0, missingPolls };
  return { deposit, events: [reversed(deposit, wasConfirmed, reason)] };
}
