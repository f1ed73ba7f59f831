/**
 * The platform's own addresses (src/domain/own-addresses.ts says which and why): the reserved list, the
 * derived window of receive and change addresses, and the deposit address table. The window is derived
 * once, in slices that yield to the event loop, the first time it is needed (or when warm() is called
 * at boot); until the signer has written the account xpub there is no window, and the next call tries
 * again.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Knex } from 'knex';
import type { Network } from 'bitcoinjs-lib';
import { parseAccountXpub, type Bip44Chain } from '@dbay/dogecoin';
import {
  deriveChainAddresses,
  ownAddressKind,
  type DerivedAddressWindow,
  type OwnAddressKind,
} from '../domain/index.js';

/** Addresses derived between two yields: about 100 ms of CPU on a loaded two-core machine. */
const DERIVATION_SLICE = 100;

export class OwnAddresses {
  private readonly reserved: ReadonlySet<string>;
  private window: Promise<DerivedAddressWindow | undefined> | undefined;

  constructor(
    private readonly knex: Knex,
    private readonly network: Network,
    private readonly readXpub: () => string | undefined,
    reservedAddresses: readonly string[],
    private readonly lookahead: number,
  ) {
    this.reserved = new Set(reservedAddresses);
  }

  /** Starts deriving the window now, so the first withdrawal does not wait for it. */
  warm(): void {
    void this.derived();
  }

  /** Which of the platform's addresses `address` is, or undefined when it is nobody's of ours. */
  async kindOf(address: string): Promise<OwnAddressKind | undefined> {
    const known = ownAddressKind(address, this.reserved, await this.derived());
    if (known !== 'ask-assigned') return known;
    const assigned = await this.knex<{ user_id: string; address: string }>('deposit_addresses')
      .where({ address })
      .first('user_id');
    return assigned ? 'deposit' : undefined;
  }

  private derived(): Promise<DerivedAddressWindow | undefined> {
    if (!this.window) {
      const xpub = this.readXpub();
      if (!xpub) return Promise.resolve(undefined);
      this.window = this.derive(xpub).catch((error: unknown) => {
        this.window = undefined;
        throw error;
      });
    }
    return this.window;
  }

  private async derive(xpub: string): Promise<DerivedAddressWindow> {
    const account = parseAccountXpub(xpub, this.network);
    const window = new Map<string, Bip44Chain>();
    for (const chain of ['change', 'receive'] as const) {
      for (let from = 0; from < this.lookahead; from += DERIVATION_SLICE) {
        const to = Math.min(from + DERIVATION_SLICE, this.lookahead);
        for (const address of deriveChainAddresses(account, chain, from, to, this.network)) {
          window.set(address, chain);
        }
        await yieldToEventLoop();
      }
    }
    return window;
  }
}
