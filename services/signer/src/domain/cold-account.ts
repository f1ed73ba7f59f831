/**
 * The cold account: its extended public key only (its keys never touch a machine of the platform).
 * A sweep may pay nothing but this account's receive addresses, m/44'/3'/0'/0/i of the cold xpub, and
 * the signer derives each one itself from the index the request names.
 */
import type { BIP32Interface } from 'bip32';
import type { Network } from 'bitcoinjs-lib';
import { deriveChild, p2pkhOutputScript, parseAccountXpub } from '@dbay/dogecoin';

export class ColdAccount {
  readonly #node: BIP32Interface;

  constructor(
    readonly xpub: string,
    network: Network,
  ) {
    this.#node = parseAccountXpub(xpub, network);
  }

  /** The output script of the cold receive address at `index`. */
  scriptAt(index: number): Uint8Array {
    return p2pkhOutputScript(deriveChild(this.#node, 'receive', index).publicKey);
  }

  /** Public, so it may be logged with the policy. */
  toString(): string {
    return this.xpub;
  }
}
