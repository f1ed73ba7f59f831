/**
 * hot-wallet.refill-needed (withdrawal-saga -> deposit-watcher): watch the refill address the alert
 * names, owned by the platform's hot wallet (domain/refills.ts), so that the transfer a person makes
 * there from cold is seen like any incoming payment and, once confirmed, reported to the saga
 * (hot-wallet.refill-received) instead of to any user. Runs in the idempotent consumer's transaction;
 * the same address again is a no-op. An address that cannot be the saga's (another network or type, a
 * path off its change chain) or that is already a user's deposit address throws and is dead-lettered:
 * watching it as the platform's would take a user's deposits away from them.
 */
import type { EventHandler } from '@dbay/platform';
import type { HotWalletRefillNeededPayload } from '@dbay/contracts';
import { networkByName, validateAddress, type NetworkName } from '@dbay/dogecoin';
import { watchAddress } from '../../adapters/db/watched-addresses.js';
import { CHANGE_PATH, HOT_WALLET_OWNER } from '../../domain/refills.js';
import { AssignedAddressRejectedError } from './deposit-address-assigned.js';

export function refillNeededHandler(network: NetworkName): EventHandler<HotWalletRefillNeededPayload> {
  const params = networkByName(network);
  return async (trx, event, context) => {
    const { refillAddress: address, refillDerivationPath: derivationPath } = event.payload;
    const index = CHANGE_PATH.exec(derivationPath)?.[1];
    if (index === undefined)
      throw new AssignedAddressRejectedError(
        `refillDerivationPath ${derivationPath} is not on the saga's change chain m/44'/3'/0'/1/N`,
      );
    const validation = validateAddress(address, params);
    if (!validation.ok)
      throw new AssignedAddressRejectedError(
        `refillAddress ${address}: ${validation.code}: ${validation.reason}`,
      );
    if (validation.type !== 'p2pkh')
      throw new AssignedAddressRejectedError(`refillAddress ${address} is not P2PKH`);
    const issuedAt = new Date(event.envelope.occurredAt);
    if (Number.isNaN(issuedAt.getTime()))
      throw new AssignedAddressRejectedError(
        `envelope.occurredAt ${event.envelope.occurredAt} is not a time`,
      );
    const outcome = await watchAddress(trx, {
      address,
      pubkeyHash: Buffer.from(validation.hash).toString('hex'),
      userId: HOT_WALLET_OWNER,
      derivationPath,
      addressIndex: Number(index),
      assignedAt: issuedAt,
      assignedEventId: event.envelope.eventId,
    });
    context.logger.info({ address, derivationPath, outcome }, 'Refill address watched for the hot wallet');
  };
}
