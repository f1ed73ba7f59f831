/**
 * The one secp256k1 implementation of the platform: tiny-secp256k1 (libsecp256k1 compiled to
 * WebAssembly), wired into bip32 and ecpair once, here, so every caller shares the same factories.
 */
import { BIP32Factory, type BIP32API } from 'bip32';
import { ECPairFactory, type ECPairAPI } from 'ecpair';
import * as ecc from 'tiny-secp256k1';

export { ecc };

/** BIP32 extended keys (fromSeed, fromBase58, derive) backed by tiny-secp256k1. */
export const bip32: BIP32API = BIP32Factory(ecc);

/** Single key pairs (WIF, signature verification) backed by tiny-secp256k1. */
export const ECPair: ECPairAPI = ECPairFactory(ecc);

/**
 * Verifies an ECDSA signature the way bitcoinjs-lib's Psbt.validateSignaturesOfAllInputs expects:
 * the public key, the 32-byte sighash and the 64-byte compact signature.
 */
export function verifyEcdsaSignature(
  publicKey: Uint8Array,
  messageHash: Uint8Array,
  signature: Uint8Array,
): boolean {
  return ECPair.fromPublicKey(publicKey).verify(messageHash, signature);
}
