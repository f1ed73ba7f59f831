/**
 * Simulated users running real flows through the APIs while the nemesis works: deposits mined on the
 * regtest chain, listings bought now, auctions opened and bid on, shipping and receipt (releases),
 * cancellations (refunds), disputes resolved by an operator, and withdrawals to fresh addresses. Every
 * request the platform accepted is written down here; the checks later hold the books to it.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { ECPair, p2pkhAddress, regtest } from '@dbay/dogecoin';
import { formatDoge } from '@dbay/money';
import type { RegtestControl } from '@dbay/testing';
import { operatorCall, sleep, Unanswered, type SoakUser } from './api.js';

export const DOGE = 100_000_000n;

export interface AcceptedWithdrawal {
  withdrawalId: string;
  destination: string;
  amountKoinu: bigint;
}

export interface Record {
  /** Deposits paid to the user's address on chain: each must be credited once. */
  depositsKoinu: bigint[];
  /** Buy requests answered with an order (201 paid or 202 pending): order id by idempotency key. */
  acceptedOrders: Map<string, string>;
  /**
   * Buy requests refused because the wallet refused the payment (422 with the order, which stays
   * PAYMENT_FAILED for the buyer to see): order id by idempotency key.
   */
  refusedOrders: Map<string, string>;
  withdrawals: AcceptedWithdrawal[];
  listings: string[];
  auctions: string[];
}

export interface Counters {
  operations: Map<string, number>;
  refusals: Map<string, number>;
  unanswered: number;
}

export class Market {
  readonly records = new Map<string, Record>();
  readonly counters: Counters = { operations: new Map(), refusals: new Map(), unanswered: 0 };
  /** Listings and auctions offered by soak users, for others to buy and bid on. */
  readonly openListings: string[] = [];
  readonly openAuctions: string[] = [];

  constructor(
    readonly users: readonly SoakUser[],
    private readonly chain: RegtestControl,
  ) {
    for (const user of users)
      this.records.set(user.userId, {
        depositsKoinu: [],
        acceptedOrders: new Map(),
        refusedOrders: new Map(),
        withdrawals: [],
        listings: [],
        auctions: [],
      });
  }

  private count(name: string, refusal?: string): void {
    this.counters.operations.set(name, (this.counters.operations.get(name) ?? 0) + 1);
    if (refusal) this.counters.refusals.set(refusal, (this.counters.refusals.get(refusal) ?? 0) + 1);
  }

  /** One user's loop until `stopped()`. */
  async act(user: SoakUser, stopped: () => boolean): Promise<void> {
    while (!stopped()) {
      try {
        await this.step(user);
      } catch (error) {
        if (!(error instanceof Unanswered)) throw error;
        this.counters.unanswered++;
      }
      await sleep(300 + randomInt(900));
    }
  }

  private async step(user: SoakUser): Promise<void> {
    const roll = randomInt(100);
    if (roll < 8) return this.deposit(user);
    if (roll < 22) return this.list(user);
    if (roll < 40) return this.buy(user);
    if (roll < 48) return this.openAuction(user);
    if (roll < 62) return this.bid(user);
    if (roll < 82) return this.progressOrders(user);
    return this.withdraw(user);
  }

  async deposit(user: SoakUser, amountKoinu = BigInt(5 + randomInt(40)) * DOGE): Promise<void> {
    const answer = await user.wallet('POST', '/deposit-address');
    if (answer.status !== 200 && answer.status !== 201) throw new Error(`deposit address: ${answer.status}`);
    const address = (answer.body as { address: string }).address;
    await this.chain.fund([{ address, amount: formatDoge(amountKoinu) }]);
    this.records.get(user.userId)!.depositsKoinu.push(amountKoinu);
    this.count('deposit');
  }

  private async list(user: SoakUser): Promise<void> {
    const price = formatDoge(BigInt(1 + randomInt(15)) * DOGE + BigInt(randomInt(100)) * 1_000_000n);
    const answer = await user.orders('POST', '/listings', {
      title: `soak item ${randomUUID().slice(0, 8)}`,
      price,
    });
    this.count('list', answer.status === 201 ? undefined : codeOf(answer.body));
    if (answer.status === 201) {
      const id = (answer.body as { id: string }).id;
      this.records.get(user.userId)!.listings.push(id);
      this.openListings.push(id);
    }
  }

  private async buy(user: SoakUser): Promise<void> {
    const mine = new Set(this.records.get(user.userId)!.listings);
    const candidates = this.openListings.filter((id) => !mine.has(id));
    if (candidates.length === 0) return;
    const listingId = candidates[randomInt(candidates.length)]!;
    const key = randomUUID();
    const answer = await user.orders('POST', '/orders', { listingId }, key);
    if (answer.status === 201 || answer.status === 202) {
      this.records.get(user.userId)!.acceptedOrders.set(key, (answer.body as { id: string }).id);
      this.count('buy');
    } else {
      const refusedOrder = (answer.body as { order?: { id?: string } }).order?.id;
      if (answer.status === 422 && refusedOrder !== undefined)
        this.records.get(user.userId)!.refusedOrders.set(key, refusedOrder);
      this.count('buy', codeOf(answer.body));
    }
    if (answer.status !== 202) this.openListings.splice(this.openListings.indexOf(listingId), 1);
  }

  private async openAuction(user: SoakUser): Promise<void> {
    const answer = await user.orders('POST', '/auctions', {
      title: `soak auction ${randomUUID().slice(0, 8)}`,
      startPrice: formatDoge(BigInt(1 + randomInt(5)) * DOGE),
      durationMinutes: 2,
      ...(randomInt(3) === 0 ? { buyNow: formatDoge(BigInt(20 + randomInt(10)) * DOGE) } : {}),
    });
    this.count('open-auction', answer.status === 201 ? undefined : codeOf(answer.body));
    if (answer.status === 201) {
      const id = (answer.body as { id: string }).id;
      this.records.get(user.userId)!.auctions.push(id);
      this.openAuctions.push(id);
    }
  }

  private async bid(user: SoakUser): Promise<void> {
    const mine = new Set(this.records.get(user.userId)!.auctions);
    const candidates = this.openAuctions.filter((id) => !mine.has(id));
    if (candidates.length === 0) return;
    const auctionId = candidates[randomInt(candidates.length)]!;
    const seen = await user.orders('GET', `/auctions/${auctionId}`);
    if (seen.status !== 200 || seen.body.status !== 'OPEN') {
      this.openAuctions.splice(this.openAuctions.indexOf(auctionId), 1);
      return;
    }
    const minimum = seen.body.minimumBid as string;
    const [whole = '0'] = minimum.split('.');
    const maximum = formatDoge((BigInt(whole) + 1n + BigInt(randomInt(6))) * DOGE);
    if (randomInt(10) === 0 && seen.body.buyNow) {
      const answer = await user.orders('POST', `/auctions/${auctionId}/buy-now`, {});
      if (answer.status === 201 || answer.status === 202)
        this.records.get(user.userId)!.acceptedOrders.set(randomUUID(), (answer.body as { id: string }).id);
      this.count('auction-buy-now', answer.status < 300 ? undefined : codeOf(answer.body));
      return;
    }
    const answer = await user.orders('POST', `/auctions/${auctionId}/bids`, { maximum });
    this.count('bid', answer.status < 300 ? undefined : codeOf(answer.body));
  }

  /** Moves the user's orders on: ship or cancel what was sold, confirm or dispute what was bought. */
  private async progressOrders(user: SoakUser): Promise<void> {
    const role = randomInt(2) === 0 ? 'seller' : 'buyer';
    const answer = await user.orders('GET', `/orders?role=${role}&limit=20`);
    if (answer.status !== 200) return;
    const orders = answer.body.orders as Array<{ id: string; status: string }>;
    const open = orders.filter((order) => ['PAID', 'SHIPPED', 'DISPUTED'].includes(order.status));
    if (open.length === 0) return;
    const order = open[randomInt(open.length)]!;
    const roll = randomInt(10);
    let step: string | undefined;
    let body: unknown = {};
    if (role === 'seller' && order.status === 'PAID') {
      step = roll < 8 ? 'ship' : 'cancel';
      if (step === 'ship') body = { trackingNote: 'soak parcel' };
    } else if (role === 'buyer' && order.status === 'SHIPPED') {
      step = roll < 8 ? 'confirm-receipt' : 'dispute';
      if (step === 'dispute') body = { reason: 'soak: the item never arrived' };
    } else if (order.status === 'DISPUTED') {
      const outcome = (['RELEASE', 'REFUND', 'SPLIT'] as const)[roll % 3]!;
      const resolution = outcome === 'SPLIT' ? { outcome, buyerRefund: formatDoge(DOGE / 2n) } : { outcome };
      const resolved = await operatorCall('POST', `/orders/${order.id}/resolve`, resolution);
      this.count('resolve-dispute', resolved.status < 300 ? undefined : codeOf(resolved.body));
      return;
    }
    if (!step) return;
    const moved = await user.orders('POST', `/orders/${order.id}/${step}`, body);
    this.count(step, moved.status < 300 ? undefined : codeOf(moved.body));
  }

  private async withdraw(user: SoakUser): Promise<void> {
    const { available } = await user.balance();
    if (available < 4n * DOGE) return;
    const amountKoinu = BigInt(1 + randomInt(3)) * DOGE + BigInt(randomInt(1000)) * 10_000n;
    const destination = p2pkhAddress(ECPair.makeRandom({ network: regtest }).publicKey, regtest);
    const answer = await user.wallet('POST', '/withdrawals', {
      destinationAddress: destination,
      amount: formatDoge(amountKoinu),
    });
    if (answer.status === 201) {
      this.records.get(user.userId)!.withdrawals.push({
        withdrawalId: (answer.body as { withdrawalId: string }).withdrawalId,
        destination,
        amountKoinu,
      });
      this.count('withdraw');
    } else this.count('withdraw', codeOf(answer.body));
  }
}

function codeOf(body: { error?: { code: string } }): string {
  return body.error?.code ?? 'UNKNOWN';
}
