/**
 * deposit-address.assigned (wallet -> deposit-watcher): start watching the user's address. Runs in
 * the idempotent consumer's transaction, so a redelivered or replayed event changes nothing. The
 * payload arrives decoded by its contract (@dbay/contracts; one that does not fit the schema is
 * dead-lettered before this runs). An event that cannot be right (an empty id, an address of another
 * network or type, a path that does not match its index, an address already assigned to someone
 * else) throws: the consumer retries it and then dead-letters it on purpose, because watching a wrong
 * address would silently lose deposits.
 */
import { z } from 'zod';
import type { EventHandler } from '@dbay/platform';
import type { DepositAddressAssignedPayload } from '@dbay/contracts';
import { networkByName, validateAddress, type NetworkName } from '@dbay/dogecoin';
import { watchAddress } from '../../adapters/db/watched-addresses.js';

const RECEIVE_PATH = /^m\/44'\/3'\/0'\/0\/(0|[1-9]\d{0,9})$/;

/** The watcher's rules on top of the schema's types. */
const assignmentRules = z.object({
  userId: z.string().min(1),
  address: z.string().min(1),
  derivationPath: z.string().regex(RECEIVE_PATH, "expected m/44'/3'/0'/0/N"),
  addressIndex: z.number().int().nonnegative(),
});

export class AssignedAddressRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssignedAddressRejectedError';
  }
}

export function depositAddressAssignedHandler(
  network: NetworkName,
): EventHandler<DepositAddressAssignedPayload> {
  const params = networkByName(network);
  return async (trx, event, context) => {
    const parsed = assignmentRules.safeParse(event.payload);
    if (!parsed.success) {
      throw new AssignedAddressRejectedError(
        `invalid payload: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
      );
    }
    const payload = parsed.data;
    const pathIndex = Number(RECEIVE_PATH.exec(payload.derivationPath)![1]);
    if (pathIndex !== payload.addressIndex) {
      throw new AssignedAddressRejectedError(
        `derivationPath ${payload.derivationPath} does not end in addressIndex ${payload.addressIndex}`,
      );
    }
    const validation = validateAddress(payload.address, params);
    if (!validation.ok)
      throw new AssignedAddressRejectedError(
        `address ${payload.address}: ${validation.code}: ${validation.reason}`,
      );
    if (validation.type !== 'p2pkh')
      throw new AssignedAddressRejectedError(`address ${payload.address} is not P2PKH`);
    const assignedAt = new Date(event.envelope.occurredAt);
    if (Number.isNaN(assignedAt.getTime())) {
      throw new AssignedAddressRejectedError(
        `envelope.occurredAt ${event.envelope.occurredAt} is not a time`,
      );
    }
    const outcome = await watchAddress(trx, {
      address: payload.address,
      pubkeyHash: Buffer.from(validation.hash).toString('hex'),
      userId: payload.userId,
      derivationPath: payload.derivationPath,
      addressIndex: payload.addressIndex,
      assignedAt,
      assignedEventId: event.envelope.eventId,
    });
    context.logger.info(
      { userId: payload.userId, address: payload.address, outcome },
      'Deposit address watched',
    );
  };
}
