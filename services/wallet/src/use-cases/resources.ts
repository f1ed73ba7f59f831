/**
 * The names a batch of commands holds while it runs: the redis lock's resources (what the commands may
 * read or change) and, for the scheduler, claims (those plus the platform accounts and the idempotency
 * key), so batches running side by side never share a row or a key. Both come from the domain's
 * footprint of each command.
 */
import { footprintOf } from '../domain/index.js';
import type { CommandKey, CommandRequest } from './ports.js';

/** One string per idempotency key, for maps and claims (NUL cannot occur in a scope or a key). */
export const keyOf = ({ scope, idempotencyKey }: CommandKey): string => `${scope}\u0000${idempotencyKey}`;

/** The redis lock's resources for a batch, sorted so every batch asks for them in the same order. */
export function lockResourcesOf(requests: readonly CommandRequest[]): string[] {
  const resources = new Set<string>();
  for (const { command } of requests) {
    const footprint = footprintOf(command);
    for (const userId of footprint.userIds) resources.add(`wallet:${userId}`);
    for (const orderId of footprint.escrowOrderIds) resources.add(`order:${orderId}`);
    for (const lock of footprint.bidLocks) resources.add(`bid:${lock.auctionId}:${lock.userId}`);
    for (const id of footprint.withdrawalIds) resources.add(`withdrawal:${id}`);
    for (const deposit of footprint.deposits) resources.add(`deposit:${deposit.txid}:${deposit.vout}`);
  }
  return [...resources].sort();
}

/** What a command may touch, plus its idempotency key: what a concurrent batch must not hold. */
export function claimsOf(request: CommandRequest): string[] {
  const platform = footprintOf(request.command).platformAccounts.map((code) => `platform:${code}`);
  return [...lockResourcesOf([request]), ...platform, `key:${keyOf(request)}`];
}
