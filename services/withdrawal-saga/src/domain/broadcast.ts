/**
 * What a node's answer to sendrawtransaction means for a stored, signed transaction. Dogecoin Core
 * 1.14 (Bitcoin Core 0.14's RPC) answers an already-mined transaction with -27 and a transaction it
 * already holds either with its txid or, in a race, with -26 "txn-already-in-mempool": all of these
 * mean the payment is out, so they count as success. "Missing inputs" (-25) may mean the transaction
 * is mined and its outputs spent, so the caller must look the txid up before concluding anything.
 */
import {
  RPC_TRANSACTION_ALREADY_IN_CHAIN,
  RPC_TRANSACTION_ERROR,
  RPC_TRANSACTION_REJECTED,
} from '@dbay/chain-rpc/codes';

export type BroadcastOutcome =
  | { kind: 'accepted' }
  | { kind: 'already-known' }
  | { kind: 'missing-inputs'; message: string }
  | { kind: 'rejected'; message: string };

const ALREADY_KNOWN = /txn-already-in-mempool|txn-already-known|already in block chain/i;

export function classifyBroadcastError(code: number, message: string): BroadcastOutcome {
  if (code === RPC_TRANSACTION_ALREADY_IN_CHAIN) return { kind: 'already-known' };
  if (code === RPC_TRANSACTION_REJECTED && ALREADY_KNOWN.test(message)) return { kind: 'already-known' };
  if (code === RPC_TRANSACTION_ERROR && /missing inputs/i.test(message))
    return { kind: 'missing-inputs', message };
  return { kind: 'rejected', message: `${code}: ${message}` };
}

export interface ChainSighting {
  /** 0 while in the mempool; absent when the node does not know the transaction. */
  confirmations: number;
  blockHash: string | null;
  blockHeight: number | null;
}

export type TrackingDecision =
  | { kind: 'confirmed'; sighting: ChainSighting }
  | { kind: 'waiting'; sighting: ChainSighting }
  | { kind: 'rebroadcast' };

/** What to do with a broadcast transaction after looking it up on the node. */
export function decideTracking(
  sighting: ChainSighting | undefined,
  requiredConfirmations: number,
): TrackingDecision {
  if (sighting === undefined) return { kind: 'rebroadcast' };
  if (sighting.confirmations >= requiredConfirmations) return { kind: 'confirmed', sighting };
  return { kind: 'waiting', sighting };
}
