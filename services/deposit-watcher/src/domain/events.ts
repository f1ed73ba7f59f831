/**
 * The events the deposit watcher publishes: payload shapes of the topics it owns. Field lists are
 * the cross-service contract of docs/CONVENTIONS.md; the Avro schemas in schemas/deposit.*.avsc
 * carry the same fields. Amounts are integer koinu strings.
 */

export interface DepositDetected {
  userId: string;
  address: string;
  txid: string;
  vout: number;
  amountKoinu: string;
  /** 0 in the mempool, 1 at first inclusion (more when found late, by a backfill). */
  confirmations: number;
  blockHash: string | null;
  blockHeight: number | null;
}

export interface DepositConfirmationsChanged {
  userId: string;
  txid: string;
  vout: number;
  confirmations: number;
  blockHash: string | null;
  blockHeight: number | null;
}

export interface DepositConfirmed {
  userId: string;
  address: string;
  derivationPath: string;
  txid: string;
  vout: number;
  amountKoinu: string;
  blockHash: string;
  blockHeight: number;
  confirmations: number;
  /** The full funding transaction, hex: legacy P2PKH signing needs it as nonWitnessUtxo. */
  rawTransactionHex: string;
}

export interface DepositReversed {
  userId: string;
  address: string;
  txid: string;
  vout: number;
  amountKoinu: string;
  wasConfirmed: boolean;
  /** DEPOSIT_LEFT_CHAIN or DEPOSIT_DROPPED_FROM_MEMPOOL. */
  reason: string;
}

export interface DepositReorgDetected {
  network: string;
  forkHeight: number;
  /** Null when not even the lowest stored block was on the node's chain. */
  forkBlockHash: string | null;
  oldTipHeight: number;
  oldTipHash: string;
  depth: number;
  requiredConfirmations: number;
  exceedsConfirmationDepth: boolean;
  /** Deposits whose block was disconnected (pending and confirmed). */
  affectedDeposits: number;
  /** Of those, deposits that were already confirmed and credited. */
  affectedConfirmedDeposits: number;
}

export type DepositEvent =
  | { type: 'deposit.detected'; payload: DepositDetected }
  | { type: 'deposit.confirmations-changed'; payload: DepositConfirmationsChanged }
  | { type: 'deposit.confirmed'; payload: DepositConfirmed }
  | { type: 'deposit.reversed'; payload: DepositReversed };

export const DEPOSIT_TOPICS = [
  'deposit.detected',
  'deposit.confirmations-changed',
  'deposit.confirmed',
  'deposit.reversed',
] as const;

export const REORG_TOPIC = 'deposit.reorg-detected';
