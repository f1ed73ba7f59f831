/**
 * Output scripts. Dogecoin spends are legacy P2PKH (no SegWit); withdrawals may pay P2PKH or P2SH
 * destinations. Scripts are built by bitcoinjs-lib's payments, never by hand.
 */
import { crypto, payments, type Network } from 'bitcoinjs-lib';
import { ADDRESS_HASH_BYTES, validateAddress } from './address.js';

/** The P2PKH output script paying HASH160(publicKey). */
export function p2pkhOutputScript(publicKey: Uint8Array): Uint8Array {
  return payments.p2pkh({ pubkey: publicKey }).output!;
}

/** The P2PKH output script paying a 20-byte public key hash. */
export function p2pkhOutputScriptForHash(publicKeyHash: Uint8Array): Uint8Array {
  if (publicKeyHash.length !== ADDRESS_HASH_BYTES) throw new Error('public key hash must be 20 bytes');
  return payments.p2pkh({ hash: publicKeyHash }).output!;
}

/** The P2PKH address of a public key on `network`. */
export function p2pkhAddress(publicKey: Uint8Array, network: Network): string {
  return payments.p2pkh({ pubkey: publicKey, network }).address!;
}

/** HASH160 (RIPEMD-160 of SHA-256), the hash inside P2PKH and P2SH. */
export function hash160(data: Uint8Array): Uint8Array {
  return crypto.hash160(data);
}

/**
 * The public key hash a P2PKH output script pays (OP_DUP OP_HASH160 <20> OP_EQUALVERIFY
 * OP_CHECKSIG), or undefined for any other script.
 */
export function p2pkhHashOfScript(script: Uint8Array): Uint8Array | undefined {
  try {
    return payments.p2pkh({ output: script }).hash;
  } catch {
    return undefined;
  }
}

/**
 * The output script for a valid P2PKH or P2SH address of `network`. Throws for an invalid address:
 * call validateAddress first where the address comes from outside.
 */
export function outputScriptForAddress(address: string, network: Network): Uint8Array {
  const result = validateAddress(address, network);
  if (!result.ok) throw new Error(`invalid address (${result.code}): ${result.reason}`);
  return result.type === 'p2pkh'
    ? payments.p2pkh({ hash: result.hash }).output!
    : payments.p2sh({ hash: result.hash }).output!;
}

/** Byte-wise equality of two scripts (or any byte strings). */
export function sameBytes(left: Uint8Array, right: Uint8Array): boolean {
  return left.length === right.length && left.every((byte, index) => byte === right[index]);
}
