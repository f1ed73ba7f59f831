/**
 * The platform's own addresses (src/domain/own-addresses.ts says which and why): the reserved list, the
 * derived window of receive and change addresses, the cold account's window of receive addresses, and
 * the deposit address table. Each window is derived once, in slices that yield to the event loop, the
 * first time it is needed (or when warm() is called at boot); until its xpub exists (the signer writes
 * the account's; a deployment without cold storage has no cold one) there is no window, and the next
 * call tries again.
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

/** A window derived once from an xpub read on use; until the xpub exists there is none, and the next call tries again. */
class LazyWindow {
  private window: Promise<DerivedAddressWindow | undefined> | undefined;

  constructor(
    private readonly readXpub: () => string | undefined,
    private readonly derive: (xpub: string) => Promise<DerivedAddressWindow>,
  ) {}

  get(): Promise<DerivedAddressWindow | undefined> {
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
}

export class OwnAddresses {
  private readonly reserved: ReadonlySet<string>;
  private readonly hot: LazyWindow;
  private readonly cold: LazyWindow;

  constructor(
    private readonly knex: Knex,
    private readonly network: Network,
    xpubs: { account: () => string | undefined; cold: () => string | undefined },
    reservedAddresses: readonly string[],
    private readonly lookahead: number,
  ) {
    this.reserved = new Set(reservedAddresses);
    this.hot = new LazyWindow(xpubs.account, (xpub) => this.derive(xpub, ['change', 'receive']));
    this.cold = new LazyWindow(xpubs.cold, (xpub) => this.derive(xpub, ['receive']));
  }

  /** Starts deriving the windows now, so the first withdrawal does not wait for them. */
  warm(): void {
    void this.hot.get().then(() => this.cold.get());
  }

  /** Which of the platform's addresses `address` is, or undefined when it is nobody's of ours. */
  async kindOf(address: string): Promise<OwnAddressKind | undefined> {
    const known = ownAddressKind(address, this.reserved, await this.hot.get(), await this.cold.get());
    if (known !== 'ask-assigned') return known;
    const assigned = await this.knex<{ user_id: string; address: string }>('deposit_addresses')
      .where({ address })
      .first('user_id');
    return assigned ? 'deposit' : undefined;
  }

  private async derive(xpub: string, chains: readonly Bip44Chain[]): Promise<DerivedAddressWindow> {
    const account = parseAccountXpub(xpub, this.network);
    const window = new Map<string, Bip44Chain>();
    for (const chain of chains) {
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
