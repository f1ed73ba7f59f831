/**
 * Which destinations belong to the platform itself. A withdrawal to one of them is refused
 * (WITHDRAWAL_TO_OWN_ADDRESS) before anything moves: paying our own address on chain would create a coin
 * that no ledger tracks (a change address nobody books as change, a deposit address credited to some
 * user as a fresh deposit, a reserved address outside the ledger). docs/wallet.md, "Withdrawals to the
 * platform's own addresses", records the decision and its limits.
 *
 * Four sources, checked in this order:
 *   reserved  PLATFORM_RESERVED_ADDRESSES: addresses the platform controls outside the BIP44 tree
 *             (a cold wallet, a fee sweep address), configured per deployment;
 *   derived   the first OWN_ADDRESS_LOOKAHEAD receive and change addresses of the account xpub
 *             (m/44'/3'/0'/0/N and m/44'/3'/0'/1/N): the saga's change addresses come from a sequence
 *             the wallet cannot read, so the wallet derives the same window from the same key;
 *   cold      the first OWN_ADDRESS_LOOKAHEAD receive addresses of the cold account's xpub
 *             (COLD_ACCOUNT_XPUB), where the saga sweeps the hot wallet's excess, by the same reasoning;
 *   assigned  the wallet's deposit_addresses table: every deposit address ever handed out, whatever its
 *             index (asked only when the cheaper checks did not answer).
 */
import type { BIP32Interface } from 'bip32';
import type { Network } from 'bitcoinjs-lib';
import { p2pkhAddress, type Bip44Chain } from '@dbay/dogecoin';

export type OwnAddressKind = 'reserved' | 'deposit' | 'change' | 'cold';

/** Receive and change addresses of indexes 0 .. lookahead-1, each with the chain it is on. */
export type DerivedAddressWindow = ReadonlyMap<string, Bip44Chain>;

/** The known answer without the database, or 'ask-assigned' when only the deposit table can tell. */
export function ownAddressKind(
  address: string,
  reserved: ReadonlySet<string>,
  derived: DerivedAddressWindow | undefined,
  cold: DerivedAddressWindow | undefined,
): OwnAddressKind | 'ask-assigned' {
  if (reserved.has(address)) return 'reserved';
  const chain = derived?.get(address);
  if (chain === 'change') return 'change';
  if (chain === 'receive') return 'deposit';
  if (cold?.has(address)) return 'cold';
  return 'ask-assigned';
}

/** The P2PKH addresses at <chain>/from .. <chain>/to-1 below the account node, in index order. */
export function deriveChainAddresses(
  accountNode: BIP32Interface,
  chain: Bip44Chain,
  from: number,
  to: number,
  network: Network,
): string[] {
  // One chain node for the whole window: deriveAddress would re-derive it for every index.
  const chainNode = accountNode.derive(chain === 'receive' ? 0 : 1);
  const addresses: string[] = [];
  for (let index = from; index < to; index += 1) {
    addresses.push(p2pkhAddress(chainNode.derive(index).publicKey, network));
  }
  return addresses;
}
