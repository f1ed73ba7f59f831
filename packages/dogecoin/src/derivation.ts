/**
 * BIP44 derivation for Dogecoin: account m/44'/3'/0', receive (deposit) addresses m/44'/3'/0'/0/N,
 * change m/44'/3'/0'/1/N. Coin type 3 is used on every network (regtest and testnet included) so
 * that one path scheme holds everywhere; the network only changes the version bytes.
 *
 * Errors from this module never echo their input: a caller may have pasted a private key or a
 * mnemonic where a public key was expected.
 */
import * as bip39 from 'bip39';
import type { BIP32Interface } from 'bip32';
import type { Network } from 'bitcoinjs-lib';
import { bip32 } from './ecc.js';
import { p2pkhAddress } from './script.js';

export const BIP44_PURPOSE = 44;
export const DOGECOIN_COIN_TYPE = 3;
export const DEFAULT_ACCOUNT = 0;
/** The account every service uses: m/44'/3'/0'. */
export const ACCOUNT_PATH = `m/${BIP44_PURPOSE}'/${DOGECOIN_COIN_TYPE}'/${DEFAULT_ACCOUNT}'`;
/** Depth of an account-level key (purpose / coin type / account). */
export const ACCOUNT_DEPTH = 3;
/** Non-hardened child indexes are 0 .. 2^31 - 1. */
export const MAX_CHILD_INDEX = 0x7fffffff;

export type Bip44Chain = 'receive' | 'change';
const CHAIN_NUMBER: Record<Bip44Chain, 0 | 1> = { receive: 0, change: 1 };

export type KeyErrorCode =
  'KEY_INVALID_MNEMONIC' | 'KEY_INVALID_XPUB' | 'KEY_NOT_PUBLIC' | 'KEY_WRONG_DEPTH' | 'KEY_INVALID_PATH';

export class DogecoinKeyError extends Error {
  constructor(
    readonly code: KeyErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DogecoinKeyError';
  }
}

export interface AddressPath {
  account: number;
  chain: Bip44Chain;
  index: number;
}

export interface DerivedAddress {
  address: string;
  path: string;
  publicKey: Uint8Array;
}

function checkIndex(index: number, what: string): void {
  if (!Number.isSafeInteger(index) || index < 0 || index > MAX_CHILD_INDEX) {
    throw new DogecoinKeyError('KEY_INVALID_PATH', `${what} must be an integer from 0 to ${MAX_CHILD_INDEX}`);
  }
}

/** "m/44'/3'/<account>'". */
export function accountPath(account: number = DEFAULT_ACCOUNT): string {
  checkIndex(account, 'account');
  return `m/${BIP44_PURPOSE}'/${DOGECOIN_COIN_TYPE}'/${account}'`;
}

/** "m/44'/3'/0'/0/N" for receive, "m/44'/3'/0'/1/N" for change. */
export function addressPath(chain: Bip44Chain, index: number, account: number = DEFAULT_ACCOUNT): string {
  checkIndex(index, 'address index');
  return `${accountPath(account)}/${CHAIN_NUMBER[chain]}/${index}`;
}

const ADDRESS_PATH = /^m\/44'\/3'\/(0|[1-9]\d{0,9})'\/([01])\/(0|[1-9]\d{0,9})$/;

/**
 * Parses a full BIP44 Dogecoin address path ("m/44'/3'/0'/1/7"). Only the canonical form is
 * accepted: apostrophes for hardened steps, no leading zeros, indexes below 2^31.
 */
export function parseAddressPath(path: string): AddressPath {
  const match = ADDRESS_PATH.exec(path);
  if (!match) {
    throw new DogecoinKeyError(
      'KEY_INVALID_PATH',
      "derivation path must look like m/44'/3'/<account>'/<0|1>/<index>",
    );
  }
  const account = Number(match[1]);
  const index = Number(match[3]);
  checkIndex(account, 'account');
  checkIndex(index, 'address index');
  return { account, chain: match[2] === '0' ? 'receive' : 'change', index };
}

/** A fresh 24-word BIP39 mnemonic (256 bits of entropy from the platform CSPRNG). */
export function generateMnemonic(): string {
  return bip39.generateMnemonic(256);
}

/** True when `mnemonic` is a BIP39 English mnemonic with a valid checksum. */
export function isValidMnemonic(mnemonic: string): boolean {
  return bip39.validateMnemonic(normalizeMnemonic(mnemonic));
}

/** Collapses whitespace and lowercases, so a mnemonic typed or pasted with stray spaces still works. */
export function normalizeMnemonic(mnemonic: string): string {
  return mnemonic.trim().toLowerCase().split(/\s+/).join(' ');
}

/** The 64-byte BIP39 seed of a mnemonic and optional BIP39 passphrase (the "25th word"). */
export function seedFromMnemonic(mnemonic: string, passphrase = ''): Uint8Array {
  const normalized = normalizeMnemonic(mnemonic);
  if (!bip39.validateMnemonic(normalized)) {
    throw new DogecoinKeyError(
      'KEY_INVALID_MNEMONIC',
      'mnemonic is not a valid BIP39 English mnemonic (word or checksum)',
    );
  }
  return new Uint8Array(bip39.mnemonicToSeedSync(normalized, passphrase));
}

/** The private account node m/44'/3'/<account>' of a BIP39 seed. Only the signer and the CLI call this. */
export function accountNodeFromSeed(
  seed: Uint8Array,
  network: Network,
  account: number = DEFAULT_ACCOUNT,
): BIP32Interface {
  return bip32.fromSeed(seed, network).derivePath(accountPath(account));
}

/** The account extended public key (dgub on mainnet, tpub on testnet and regtest) of a seed. */
export function accountXpubFromSeed(
  seed: Uint8Array,
  network: Network,
  account: number = DEFAULT_ACCOUNT,
): string {
  return accountNodeFromSeed(seed, network, account).neutered().toBase58();
}

/**
 * Parses an account-level extended public key for `network`. Refuses extended private keys (the
 * wallet must never be configured with one), keys of another network and keys at another depth.
 */
export function parseAccountXpub(xpub: string, network: Network): BIP32Interface {
  let node: BIP32Interface;
  try {
    node = bip32.fromBase58(xpub.trim(), network);
  } catch {
    throw new DogecoinKeyError(
      'KEY_INVALID_XPUB',
      'not an extended public key of this network (checksum, version bytes or encoding)',
    );
  }
  if (!node.isNeutered()) {
    throw new DogecoinKeyError(
      'KEY_NOT_PUBLIC',
      'an extended PRIVATE key was given where the account public key belongs',
    );
  }
  if (node.depth !== ACCOUNT_DEPTH) {
    throw new DogecoinKeyError(
      'KEY_WRONG_DEPTH',
      `expected an account-level key (depth ${ACCOUNT_DEPTH}), got depth ${node.depth}`,
    );
  }
  return node;
}

function asAccountNode(accountKey: string | BIP32Interface, network: Network): BIP32Interface {
  return typeof accountKey === 'string' ? parseAccountXpub(accountKey, network) : accountKey;
}

/** The child node .../<chain>/<index> below an account node (public or private). */
export function deriveChild(accountNode: BIP32Interface, chain: Bip44Chain, index: number): BIP32Interface {
  checkIndex(index, 'address index');
  return accountNode.derive(CHAIN_NUMBER[chain]).derive(index);
}

/**
 * The P2PKH address at m/44'/3'/<account>'/<chain>/<index>, from the account extended public key
 * alone (a string, or a node from parseAccountXpub to skip re-parsing). The reported path assumes
 * the key is account 0's unless `account` says otherwise: an xpub does not record its own path.
 */
export function deriveAddress(
  accountKey: string | BIP32Interface,
  chain: Bip44Chain,
  index: number,
  network: Network,
  account: number = DEFAULT_ACCOUNT,
): DerivedAddress {
  const child = deriveChild(asAccountNode(accountKey, network), chain, index);
  return {
    address: p2pkhAddress(child.publicKey, network),
    path: addressPath(chain, index, account),
    publicKey: child.publicKey,
  };
}
