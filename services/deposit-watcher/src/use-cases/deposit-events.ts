/**
 * Applies domain decisions inside a scan transaction: saves the deposit and enqueues its events in
 * the outbox, both in `trx`, so an event exists exactly when its state change committed. A payment to
 * a refill address (the platform's hot wallet, domain/refills.ts) publishes hot-wallet.refill-received
 * when confirmed and nothing else.
 */
import type { Knex } from 'knex';
import { enqueueTopicEvent } from '@dbay/contracts';
import { saveDeposit, type StoredDeposit } from '../adapters/db/deposits.js';
import type { Decision, Deposit } from '../domain/deposit.js';
import type { DepositEvent } from '../domain/events.js';
import { isRefill, refillEventOf, type RefillEvent } from '../domain/refills.js';

/** Collects what a transaction enqueued, for metrics and logs once it has committed. */
export class CommittedEvents {
  readonly events: Array<DepositEvent | RefillEvent> = [];

  countByType(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const event of this.events) counts[event.topic] = (counts[event.topic] ?? 0) + 1;
    return counts;
  }
}

function sameState(left: Deposit, right: Deposit): boolean {
  return (
    left.status === right.status &&
    left.block?.hash === right.block?.hash &&
    left.confirmations === right.confirmations &&
    left.missingPolls === right.missingPolls &&
    left.leftChain === right.leftChain
  );
}

export async function applyDecision(
  trx: Knex.Transaction,
  previous: StoredDeposit | undefined,
  decision: Decision,
  correlationId: string,
  now: Date,
  collected: CommittedEvents,
): Promise<StoredDeposit> {
  const stored: StoredDeposit = {
    ...decision.deposit,
    correlationId: previous?.correlationId ?? correlationId,
  };
  if (previous === undefined || !sameState(previous, stored) || decision.events.length > 0) {
    await saveDeposit(trx, previous, stored, now);
  }
  for (const event of decision.events) {
    if (isRefill(stored)) {
      // The hot wallet's own refill address: never a user's deposit (domain/refills.ts).
      const refill = refillEventOf(event);
      if (refill === null) continue;
      await enqueueTopicEvent(trx, { ...refill, key: stored.txid, correlationId: stored.correlationId });
      collected.events.push(refill);
      continue;
    }
    await enqueueTopicEvent(trx, { ...event, key: stored.userId, correlationId: stored.correlationId });
    collected.events.push(event);
  }
  return stored;
}
