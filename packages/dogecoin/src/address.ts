/**
 * Dogecoin address validation. Base58check decoding is bs58check's; this module only decides what
 * a decoded payload means on a given network: a 1-byte version (P2PKH or P2SH prefix from
 * chainparams) followed by a 20-byte hash, and nothing else. Dogecoin has no SegWit, so no bech32.
 */
import bs58check from 'bs58check';
import type { Network } from 'bitcoinjs-lib';
import { networks, type NetworkName } from './networks.js';

export type AddressType = 'p2pkh' | 'p2sh';

export type AddressErrorCode =
  'NOT_A_STRING' | 'NOT_BASE58' | 'BAD_CHECKSUM' | 'WRONG_LENGTH' | 'WRONG_NETWORK' | 'UNSUPPORTED_VERSION';

export type AddressValidation =
  | { ok: true; type: AddressType; hash: Uint8Array; version: number }
  | { ok: false; code: AddressErrorCode; reason: string };

/** Version byte plus a 20-byte HASH160. */
const ADDRESS_PAYLOAD_BYTES = 21;
export const ADDRESS_HASH_BYTES = 20;
/**
 * 21 bytes plus a 4-byte checksum encode to 25..34 base58 characters. Anything far longer is refused
 * before decoding, because base58 decoding is quadratic in the input length.
 */
const MAX_ADDRESS_TEXT_LENGTH = 64;
const BASE58_ALPHABET = /^[1-9A-HJ-NP-Za-km-z]+$/;

function refuse(code: AddressErrorCode, reason: string): AddressValidation {
  return { ok: false, code, reason };
}

/** Which other Dogecoin network a version byte belongs to, for a helpful WRONG_NETWORK message. */
function otherNetworksUsing(version: number, network: Network): NetworkName[] {
  return (Object.entries(networks) as [NetworkName, Network][])
    .filter(([, candidate]) => candidate !== network)
    .filter(([, candidate]) => candidate.pubKeyHash === version || candidate.scriptHash === version)
    .map(([name]) => name);
}

/**
 * Validates `text` as a P2PKH or P2SH address of `network`. Never throws: every refusal is a coded
 * value. Note that testnet and regtest share the P2SH prefix (0xc4), so a testnet P2SH address is
 * also a valid regtest P2SH address; their P2PKH prefixes differ (0x71 and 0x6f).
 */
export function validateAddress(text: unknown, network: Network): AddressValidation {
  if (typeof text !== 'string') return refuse('NOT_A_STRING', `address must be a string, got ${typeof text}`);
  if (text.length === 0) return refuse('WRONG_LENGTH', 'address is empty');
  if (text.length > MAX_ADDRESS_TEXT_LENGTH) {
    return refuse(
      'WRONG_LENGTH',
      `address is ${text.length} characters long; Dogecoin addresses have at most 34`,
    );
  }
  if (!BASE58_ALPHABET.test(text)) {
    return refuse('NOT_BASE58', 'address contains characters outside the base58 alphabet');
  }
  const payload = bs58check.decodeUnsafe(text);
  if (payload === undefined) return refuse('BAD_CHECKSUM', 'address checksum does not match (a typo?)');
  if (payload.length !== ADDRESS_PAYLOAD_BYTES) {
    return refuse(
      'WRONG_LENGTH',
      `address payload is ${payload.length} bytes; expected ${ADDRESS_PAYLOAD_BYTES}`,
    );
  }
  const version = payload[0]!;
  const hash = payload.slice(1);
  if (version === network.pubKeyHash) return { ok: true, type: 'p2pkh', hash, version };
  if (version === network.scriptHash) return { ok: true, type: 'p2sh', hash, version };
  const others = otherNetworksUsing(version, network);
  if (others.length > 0) {
    return refuse('WRONG_NETWORK', `address belongs to Dogecoin ${others.join('/')}, not this network`);
  }
  return refuse(
    'UNSUPPORTED_VERSION',
    `address version byte 0x${version.toString(16).padStart(2, '0')} is not a Dogecoin P2PKH or P2SH prefix`,
  );
}

/** True when `text` is a valid P2PKH or P2SH address of `network`. */
export function isValidAddress(text: unknown, network: Network): boolean {
  return validateAddress(text, network).ok;
}

/** Encodes a 20-byte hash as an address of the given type on `network`. */
export function encodeAddress(type: AddressType, hash: Uint8Array, network: Network): string {
  if (hash.length !== ADDRESS_HASH_BYTES)
    throw new Error(`address hash must be 20 bytes, got ${hash.length}`);
  const version = type === 'p2pkh' ? network.pubKeyHash : network.scriptHash;
  return bs58check.encode(Uint8Array.of(version, ...hash));
}
