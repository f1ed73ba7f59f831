/**
 * The signer's account key m/44'/3'/0', wrapped so that it cannot leak by accident: the private
 * node sits in a private field, and JSON serialization (pino), util.inspect (console, mocha) and
 * string conversion all show only the public account xpub.
 */
import { inspect } from 'node:util';
import type { BIP32Interface } from 'bip32';
import type { Network, Signer } from 'bitcoinjs-lib';
import {
  ACCOUNT_DEPTH,
  accountNodeFromSeed,
  deriveChild,
  parseAddressPath,
  type Bip44Chain,
} from '@dbay/dogecoin';

export interface OwnKeyPath {
  chain: Bip44Chain;
  index: number;
}

export class AccountKeys {
  readonly #node: BIP32Interface;
  readonly accountXpub: string;
  readonly network: Network;

  private constructor(node: BIP32Interface, network: Network) {
    if (node.isNeutered() || node.depth !== ACCOUNT_DEPTH)
      throw new Error('AccountKeys needs a private account-level node');
    this.#node = node;
    this.network = network;
    this.accountXpub = node.neutered().toBase58();
  }

  /**
   * Derives the account node from a BIP39 seed and wipes the seed buffer: from here on only the
   * account-level private node exists in memory, not the master key.
   */
  static fromSeed(seed: Uint8Array, network: Network): AccountKeys {
    try {
      return new AccountKeys(accountNodeFromSeed(seed, network), network);
    } finally {
      seed.fill(0);
    }
  }

  /**
   * Resolves a request's derivation path to a key of this account, or undefined when the path is
   * not a canonical m/44'/3'/0'/<0|1>/<n> path of account 0.
   */
  ownPath(path: string): OwnKeyPath | undefined {
    try {
      const parsed = parseAddressPath(path);
      return parsed.account === 0 ? { chain: parsed.chain, index: parsed.index } : undefined;
    } catch {
      return undefined;
    }
  }

  publicKeyAt(path: OwnKeyPath): Uint8Array {
    return deriveChild(this.#node, path.chain, path.index).publicKey;
  }

  /** A signer for one input. Callers use it at once and keep no reference. */
  signerAt(path: OwnKeyPath): Signer {
    const child = deriveChild(this.#node, path.chain, path.index);
    return { publicKey: child.publicKey, sign: (hash: Uint8Array, lowR?: boolean) => child.sign(hash, lowR) };
  }

  toJSON(): { accountXpub: string } {
    return { accountXpub: this.accountXpub };
  }

  toString(): string {
    return `AccountKeys(${this.accountXpub})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
