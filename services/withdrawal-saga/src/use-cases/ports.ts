/**
 * What the use cases need from the outside world, as narrow interfaces: the composition root binds
 * them to the platform's outbox, the node's RPC and the clock. Tests of the use cases can therefore
 * run against the real database without Kafka or a node.
 */
import type { Knex } from 'knex';
import type { NewTopicEvent, TopicProducedBy } from '@dbay/contracts';
import type { Network } from 'bitcoinjs-lib';
import type { BIP32Interface } from 'bip32';
import type { Logger } from 'pino';
import type { FraudPolicy } from '../domain/fraud.js';
import type { BatchPolicy } from '../domain/batch-plan.js';
import type { ChainSighting } from '../domain/broadcast.js';
import type { FundsWaitPolicy } from '../domain/funds-wait.js';
import type { FeeBumpPolicy } from '../domain/fee-bump.js';

/** An event the saga produces (its topic.json files name it a producer), typed by the topic's contract. */
export type OutgoingEvent = NewTopicEvent<TopicProducedBy<'withdrawal-saga'>> & {
  causationId: string | null;
};

/** Writes an event to the outbox inside `trx`; it is published only if `trx` commits. */
export type Publish = (trx: Knex.Transaction, event: OutgoingEvent) => Promise<void>;

export interface Chain {
  sendRawTransaction(rawHex: string): Promise<string>;
  findTransaction(txid: string): Promise<ChainSighting | undefined>;
  isUnspent(txid: string, vout: number): Promise<boolean>;
  bestBlockHash(): Promise<string>;
  /** An unspent output as the node sees it (a mempool spend counts as spent), or null. */
  txOut(
    txid: string,
    vout: number,
  ): Promise<{ valueKoinu: bigint; confirmations: number; scriptPubKeyHex: string } | null>;
  /**
   * True when the node's transaction index has the transaction in a block, even one a reorganisation
   * took off the best chain: it was mined once and may be mined again.
   */
  everMined(txid: string): Promise<boolean>;
  /** A transaction's raw bytes as hex, or undefined when the node does not know it. */
  rawTransactionHex(txid: string): Promise<string | undefined>;
  /** The best chain's height. */
  height(): Promise<number>;
  /** Depth on the active chain (1 = tip), -1 off the active chain, undefined when unknown to the node. */
  blockDepth(blockHash: string): Promise<number | undefined>;
}

/** Deterministic crash points for the crash-recovery tests; a no-op unless SAGA_CRASH_AT names one. */
export type CrashPoint =
  | 'after-signing-requested'
  | 'after-signed-before-store'
  | 'after-store-before-broadcast'
  | 'after-broadcast-before-record';

export interface SagaPolicy extends FundsWaitPolicy {
  fraud: FraudPolicy;
  batch: BatchPolicy;
  /** withdrawal.confirmed is emitted at this depth (6). */
  requiredConfirmations: number;
  /** Change becomes spendable at this depth. */
  changeMinConfirmations: number;
  /** Consecutive checks that must see a transaction gone with an input spent elsewhere before it fails. */
  dropConfirmationChecks: number;
  feeBump: FeeBumpPolicy;
}

export interface SagaContext {
  db: Knex;
  publish: Publish;
  chain: Chain;
  network: Network;
  accountKey: BIP32Interface;
  policy: SagaPolicy;
  now: () => Date;
  /** Kills the process at `point` when the tests asked for it; `outputScripts` are the transaction's. */
  crash: (point: CrashPoint, outputScripts: readonly string[]) => void;
  logger: Logger;
  newId: () => string;
}
