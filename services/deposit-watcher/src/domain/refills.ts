/**
 * Refills of the hot wallet from cold (docs/deposit-watcher.md, "Refill addresses"). When the saga asks
 * for a refill (hot-wallet.refill-needed) it names a fresh address of its own change chain; the watcher
 * watches it like a deposit address, owned by the platform's hot wallet instead of a user. A payment to
 * it goes through the same lifecycle as a deposit (deposit.ts: seen, confirmations, reorgs), but it is
 * never a user's deposit: instead of deposit.* events it yields one hot-wallet.refill-received when it
 * is confirmed, and the saga takes it in. A reversal yields nothing here: the saga's own coin checks and
 * the reconciler see a hot coin that left the chain.
 */
import { TOPICS, type TopicPayload } from '@dbay/contracts';
import type { Deposit } from './deposit.js';
import type { DepositEvent } from './events.js';

/** The owner recorded for refill addresses and their payments in place of a user id. */
export const HOT_WALLET_OWNER = 'platform:hot-wallet';

/** The saga's change chain: where refill addresses come from. */
export const CHANGE_PATH = /^m\/44'\/3'\/0'\/1\/(0|[1-9]\d{0,9})$/;

export type RefillEvent = {
  topic: typeof TOPICS.hotWalletRefillReceived;
  payload: TopicPayload<typeof TOPICS.hotWalletRefillReceived>;
};

/** Whether a deposit pays a refill address (the platform's own), not a user's deposit address. */
export const isRefill = (deposit: Pick<Deposit, 'userId'>): boolean => deposit.userId === HOT_WALLET_OWNER;

/**
 * What a refill payment's lifecycle event becomes: deposit.confirmed becomes hot-wallet.refill-received
 * (keyed by the txid); every other step is the watcher's own business and is not published.
 */
export function refillEventOf(event: DepositEvent): RefillEvent | null {
  if (event.topic !== TOPICS.depositConfirmed) return null;
  const { txid, vout, address, derivationPath, amountKoinu, blockHash, blockHeight, confirmations } =
    event.payload;
  return {
    topic: TOPICS.hotWalletRefillReceived,
    payload: { txid, vout, address, derivationPath, amountKoinu, blockHash, blockHeight, confirmations },
  };
}
