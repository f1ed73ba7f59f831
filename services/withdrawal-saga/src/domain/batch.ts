/**
 * A batch is one hot-wallet transaction paying one or more withdrawals. It is planned and sent to the
 * signer (AWAITING_SIGNATURE), then either ends before any signature counts (REFUSED by the signer or
 * by our check of its answer, CANCELLED when a reserved coin vanished) or is SIGNED with its raw
 * transaction stored, BROADCAST, and finally CONFIRMED or DROPPED (it can never confirm: an input is
 * spent elsewhere). A batch never goes back: once signed, the stored bytes are its only way out.
 */
import type { ChainExit } from './reorg-watch.js';

export const BATCH_STATUSES = [
  'AWAITING_SIGNATURE',
  'SIGNED',
  'BROADCAST',
  'CONFIRMED',
  'REFUSED',
  'CANCELLED',
  'DROPPED',
] as const;

export type BatchStatus = (typeof BATCH_STATUSES)[number];

/**
 * Where a batch may go from each status. Staying in SIGNED or BROADCAST is allowed: it records
 * bookkeeping (a broadcast attempt, confirmations seen, a drop check) without a change of status.
 */
export const BATCH_MOVES: Record<BatchStatus, readonly BatchStatus[]> = {
  AWAITING_SIGNATURE: ['SIGNED', 'REFUSED', 'CANCELLED'],
  SIGNED: ['SIGNED', 'BROADCAST', 'DROPPED'],
  BROADCAST: ['BROADCAST', 'CONFIRMED', 'DROPPED'],
  CONFIRMED: [],
  REFUSED: [],
  CANCELLED: [],
  DROPPED: [],
};

export function canMoveBatch(from: BatchStatus, to: BatchStatus): boolean {
  return BATCH_MOVES[from].includes(to);
}

/**
 * WITHDRAWALS pays withdrawals; FEE_BUMP is a child-pays-for-parent transaction (domain/fee-bump.ts);
 * SWEEP moves coins above the hot wallet's ceiling to the cold account (domain/sweep-plan.ts).
 */
export const BATCH_PURPOSES = ['WITHDRAWALS', 'FEE_BUMP', 'SWEEP'] as const;
export type BatchPurpose = (typeof BATCH_PURPOSES)[number];

export interface BatchInput {
  txid: string;
  vout: number;
  amountKoinu: bigint;
  derivationPath: string;
}

export interface BatchOutput {
  scriptHex: string;
  amountKoinu: bigint;
  /** null for the change output and for cold outputs. */
  withdrawalId: string | null;
  /** A sweep's output to the cold account: its receive index there, and the address. */
  coldIndex?: number;
  coldAddress?: string;
}

/** The position of the batch's change output (ours, hot), or -1 when it has none. */
export function changeVoutOf(outputs: readonly BatchOutput[]): number {
  return outputs.findIndex((output) => output.withdrawalId === null && output.coldIndex === undefined);
}

/** A batch as planned, before the signer answered: what `insertBatch` stores. */
export interface NewBatch {
  batchId: string;
  psbtBase64: string;
  /** In input order. */
  inputs: BatchInput[];
  /** In output order. */
  outputs: BatchOutput[];
  feeKoinu: bigint;
  estimatedSizeBytes: number;
  changeIndex: number | null;
  changeDerivationPath: string | null;
  changeKoinu: bigint;
  correlationId: string;
  /** WITHDRAWALS when absent. */
  purpose?: BatchPurpose;
  /** FEE_BUMP: the stuck withdrawals batch it pays for. */
  bumpsBatchId?: string | null;
}

export interface Batch extends NewBatch {
  status: BatchStatus;
  purpose: BatchPurpose;
  bumpsBatchId: string | null;
  /** The best chain height when it was broadcast; null before, and for batches broadcast before 2026-12-06. */
  broadcastHeight: number | null;
  /** The signed transaction and its id, stored before the first broadcast; null until signed. */
  rawTxHex: string | null;
  txid: string | null;
  signedSizeBytes: number | null;
  broadcastAttempts: number;
  lastBroadcastError: string | null;
  broadcastAt: Date | null;
  confirmations: number;
  blockHash: string | null;
  blockHeight: number | null;
  /** Consecutive checks that found the transaction gone with an input spent elsewhere. */
  dropChecks: number;
  /** CONFIRMED only: set once the transaction is REORG_WATCH_CONFIRMATIONS deep (domain/reorg-watch.ts). */
  watchEndedAt: Date | null;
  /** CONFIRMED only: where it stands while a reorganisation has it out of the chain. */
  chainExit: ChainExit | null;
  /** Times it left the chain after it was confirmed. */
  chainExits: number;
  createdAt: Date;
}
