// Proves, over random sequences of bids, raises, ties, buy-it-now attempts, cancels, waits and
// closes (fast-check), that the auction domain agrees step by step with a small reference model
// written independently below: same answer to every command, same leader, price, end, status and
// bid count, and the locks the wallet ends up holding (applying the domain's lock instructions) are
// exactly the leader's maximum while open and only the winner's escrow after the close. The price
// never falls while the auction is open.
//
// The reference keeps every accepted bid and recomputes everything from that list on each step:
// leader = highest maximum, earliest on ties; price = the best maximum of everyone else plus the
// ladder's increment, capped at the leader's maximum, then the reserve rule; end = max(original end,
// each bid's time + window). The one piece of history it needs is eBay's raise rule: a leader raising
// their own maximum bids against nobody, so the cap is the leader's maximum as of the latest bid that
// was not such a raise.
import { expect } from 'chai';
import fc from 'fast-check';
import {
  buyNow,
  cancelAuction,
  closeAuction,
  DEFAULT_INCREMENT_LADDER,
  minimumBuyNowKoinu,
  openAuction,
  placeBid,
  type Auction,
  type IncrementLadder,
} from '../../src/domain/auction/index.js';
import { ALICE, AUCTION_ID, BOB, CAROL, DOGE, MINUTE_MS, SELLER, T0 } from './fixtures.js';
import { increment, referenceLeader, referencePrice, type Reference, type Scenario } from './reference.js';

const DAVE = 'u0000000-0000-4000-8000-00000000000d';
/** The seller is among the bidders on purpose: every one of their bids must be refused. */
const PEOPLE = [SELLER, ALICE, BOB, CAROL, DAVE];

/** A ladder unlike eBay's: increments that shrink as well as grow, so boundaries are crossed often. */
const IRREGULAR_LADDER: IncrementLadder = [
  { fromPriceKoinu: 0n, incrementKoinu: DOGE / 100n },
  { fromPriceKoinu: 2n * DOGE, incrementKoinu: 3n * DOGE },
  { fromPriceKoinu: 10n * DOGE, incrementKoinu: DOGE / 2n },
  { fromPriceKoinu: 12n * DOGE, incrementKoinu: 7n * DOGE },
];

// ---------------------------------------------------------------------------------------------
// The reference model.

const referenceEndMs = (model: Reference): number =>
  Math.max(
    model.scenario.durationMs,
    ...model.bids.map((bid) => bid.atMs + model.scenario.softCloseWindowMs),
  );

const referenceOpenAt = (model: Reference, atMs: number): boolean =>
  model.ending === null && atMs < referenceEndMs(model);

function referenceBuyNowOffered(model: Reference): boolean {
  const { buyNowKoinu, reserveKoinu } = model.scenario;
  return (
    buyNowKoinu !== null && !model.bids.some((bid) => reserveKoinu === null || bid.maxKoinu >= reserveKoinu)
  );
}

type ReferenceAnswer = string;

function referenceBid(model: Reference, bidderId: string, maxKoinu: bigint, atMs: number): ReferenceAnswer {
  if (!referenceOpenAt(model, atMs)) return 'AUCTION_CLOSED';
  if (bidderId === SELLER) return 'AUCTION_OWN_AUCTION';
  const leader = referenceLeader(model.bids);
  const raise = leader?.bidderId === bidderId;
  if (raise && maxKoinu <= leader.maxKoinu) return 'AUCTION_BID_NOT_HIGHER';
  const price = referencePrice(model);
  const minimum =
    price === null ? model.scenario.startPriceKoinu : price + increment(model.scenario.ladder, price);
  if (!raise && maxKoinu < minimum) return 'AUCTION_BID_TOO_LOW';
  model.bids.push({ bidderId, maxKoinu, atMs, raise });
  return referenceLeader(model.bids)!.bidderId === bidderId ? 'LEADING' : 'OUTBID';
}

function referenceBuyNow(model: Reference, buyerId: string, atMs: number): ReferenceAnswer {
  if (!referenceOpenAt(model, atMs)) return 'AUCTION_CLOSED';
  if (buyerId === SELLER) return 'AUCTION_OWN_AUCTION';
  if (!referenceBuyNowOffered(model)) return 'AUCTION_BUY_NOW_NOT_OFFERED';
  model.ending = { kind: 'SOLD', via: 'BUY_NOW', buyerId, priceKoinu: model.scenario.buyNowKoinu! };
  return 'SOLD';
}

function referenceClose(model: Reference, atMs: number): ReferenceAnswer {
  if (model.ending !== null) return 'AUCTION_CLOSED';
  if (atMs < referenceEndMs(model)) return 'AUCTION_CLOSE_NOT_DUE';
  const leader = referenceLeader(model.bids);
  const reserve = model.scenario.reserveKoinu;
  if (leader === undefined) model.ending = { kind: 'UNSOLD', reason: 'NO_BIDS' };
  else if (reserve !== null && leader.maxKoinu < reserve)
    model.ending = { kind: 'UNSOLD', reason: 'RESERVE_NOT_MET' };
  else
    model.ending = {
      kind: 'SOLD',
      via: 'BIDDING',
      buyerId: leader.bidderId,
      priceKoinu: referencePrice(model)!,
    };
  return model.ending.kind;
}

function referenceCancel(model: Reference, by: string, atMs: number): ReferenceAnswer {
  if (by !== SELLER) return 'AUCTION_NOT_SELLER';
  if (!referenceOpenAt(model, atMs)) return 'AUCTION_CLOSED';
  if (model.bids.length > 0) return 'AUCTION_HAS_BIDS';
  model.ending = { kind: 'UNSOLD', reason: 'CANCELLED_BY_SELLER' };
  model.cancelled = true;
  return 'CANCELLED';
}

// ---------------------------------------------------------------------------------------------
// Commands and the wallet's side: the locks the caller holds after applying each decision.

type Command =
  | { kind: 'bid'; person: number; aboveMinimumKoinu: bigint }
  | { kind: 'bidExactly'; person: number; maxKoinu: bigint }
  | { kind: 'matchLeader'; person: number }
  | { kind: 'raise'; byKoinu: bigint }
  | { kind: 'buyNow'; person: number }
  | { kind: 'cancel'; person: number }
  | { kind: 'wait'; ms: number }
  | { kind: 'close' };

interface Wallet {
  /** Bid locks on this auction by bidder. */
  locks: Map<string, bigint>;
  /** Escrow created from the winner's lock at the close. */
  escrow: Map<string, bigint>;
}

/** Mostly bidders, now and then the seller. */
const person = fc.oneof(
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 8, arbitrary: fc.integer({ min: 1, max: PEOPLE.length - 1 }) },
);
/** Mostly seconds, sometimes minutes (into the soft-close window), rarely past any end. */
const pause = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 20_000 }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 3 * MINUTE_MS }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 20 * MINUTE_MS }) },
);
/** Often exactly the minimum bid, sometimes just below it, mostly above. */
const aboveMinimum = fc.oneof(fc.constant(0n), fc.bigInt({ min: -DOGE, max: 40n * DOGE }));
/** Round amounts that many bidders pick, so maxima tie and land on ladder steps and reserves. */
const roundAmount = fc.constantFrom(...[5n, 10n, 12n, 20n, 25n, 40n, 60n].map((doge) => doge * DOGE));
/** A raise is sometimes no raise at all (0 or negative), which must be refused. */
const raiseBy = fc.oneof(fc.constant(0n), fc.bigInt({ min: -DOGE, max: 30n * DOGE }));

const commandArbitrary: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('bid' as const), person, aboveMinimumKoinu: aboveMinimum }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('bidExactly' as const), person, maxKoinu: roundAmount }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('matchLeader' as const), person }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('raise' as const), byKoinu: raiseBy }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('buyNow' as const), person }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), person }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: pause }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const) }) },
);

const startPrice = fc.oneof(
  fc.bigInt({ min: 1n, max: 30n * DOGE }),
  fc.constantFrom(DOGE, 5n * DOGE, 10n * DOGE, 25n * DOGE),
);

/** A valid new auction: the reserve at or above the start, buy-it-now at or above both floors. */
const scenarioArbitrary: fc.Arbitrary<Scenario> = fc
  .record({
    startPriceKoinu: startPrice,
    reserveAboveStartKoinu: fc.option(fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 60n * DOGE }))),
    buyNowAboveFloorKoinu: fc.option(fc.bigInt({ min: 0n, max: 50n * DOGE })),
    durationMs: fc.integer({ min: 5 * MINUTE_MS, max: 20 * MINUTE_MS }),
    softCloseWindowMs: fc.constantFrom(0, 2 * MINUTE_MS, 5 * MINUTE_MS),
    ladder: fc.constantFrom(DEFAULT_INCREMENT_LADDER, IRREGULAR_LADDER),
  })
  .map(({ startPriceKoinu, reserveAboveStartKoinu, buyNowAboveFloorKoinu, ...rest }) => {
    const reserveKoinu = reserveAboveStartKoinu === null ? null : startPriceKoinu + reserveAboveStartKoinu;
    const leastBuyNow = minimumBuyNowKoinu(startPriceKoinu);
    const floor = reserveKoinu !== null && reserveKoinu > leastBuyNow ? reserveKoinu : leastBuyNow;
    const buyNowKoinu = buyNowAboveFloorKoinu === null ? null : floor + buyNowAboveFloorKoinu;
    return { startPriceKoinu, reserveKoinu, buyNowKoinu, ...rest };
  });

// ---------------------------------------------------------------------------------------------
// Running one command on both sides.

interface World {
  scenario: Scenario;
  auction: Auction;
  model: Reference;
  wallet: Wallet;
  nowMs: number;
  bids: number;
}

const time = (ms: number): Date => new Date(T0.getTime() + ms);

function bid(world: World, bidderId: string, maxKoinu: bigint): void {
  world.bids += 1;
  const bidId = `bid-${world.bids}`;
  const settings = { ladder: world.scenario.ladder, softCloseWindowMs: world.scenario.softCloseWindowMs };
  const decision = placeBid(world.auction, { bidId, bidderId, maxKoinu, at: time(world.nowMs) }, settings);
  const expected = referenceBid(world.model, bidderId, maxKoinu, world.nowMs);
  if (decision.kind === 'REFUSED') {
    expect(decision.error.code, `bid of ${maxKoinu} by ${bidderId}`).to.equal(expected);
    return;
  }
  expect(decision.outcome.kind, `bid of ${maxKoinu} by ${bidderId}`).to.equal(expected);
  // The caller locked the maximum before the bid counted, then applies the domain's instructions.
  const { locks } = world.wallet;
  locks.set(bidderId, maxKoinu);
  if (decision.locks.bidderLockKoinu === 0n) locks.delete(bidderId);
  else locks.set(bidderId, decision.locks.bidderLockKoinu);
  const release = decision.locks.release;
  if (release !== null) {
    expect(locks.get(release.bidderId), 'the released lock').to.equal(release.amountKoinu);
    locks.delete(release.bidderId);
  }
  world.auction = decision.auction;
}

function apply(world: World, command: Command): void {
  const { model, wallet } = world;
  const at = time(world.nowMs);
  const leader = referenceLeader(model.bids);
  switch (command.kind) {
    case 'bid': {
      const price = referencePrice(model);
      const minimum =
        price === null ? world.scenario.startPriceKoinu : price + increment(world.scenario.ladder, price);
      const maxKoinu = minimum + command.aboveMinimumKoinu;
      return maxKoinu > 0n ? bid(world, PEOPLE[command.person]!, maxKoinu) : undefined;
    }
    case 'bidExactly':
      return bid(world, PEOPLE[command.person]!, command.maxKoinu);
    case 'matchLeader':
      return leader === undefined ? undefined : bid(world, PEOPLE[command.person]!, leader.maxKoinu);
    case 'raise':
      return leader === undefined
        ? undefined
        : bid(world, leader.bidderId, leader.maxKoinu + command.byKoinu);
    case 'buyNow': {
      const buyerId = PEOPLE[command.person]!;
      const decision = buyNow(world.auction, { buyerId, at });
      const expected = referenceBuyNow(model, buyerId, world.nowMs);
      if (decision.kind === 'REFUSED') return void expect(decision.error.code).to.equal(expected);
      expect(decision.kind).to.equal(expected);
      if (decision.release !== null) {
        expect(wallet.locks.get(decision.release.bidderId)).to.equal(decision.release.amountKoinu);
        wallet.locks.delete(decision.release.bidderId);
      }
      world.auction = decision.auction;
      return;
    }
    case 'cancel': {
      const by = PEOPLE[command.person]!;
      const decision = cancelAuction(world.auction, { by, at });
      const expected = referenceCancel(model, by, world.nowMs);
      expect(decision.kind === 'REFUSED' ? decision.error.code : decision.kind).to.equal(expected);
      if (decision.kind === 'CANCELLED') world.auction = decision.auction;
      return;
    }
    case 'wait':
      world.nowMs += command.ms;
      return;
    case 'close':
      return close(world, at);
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

function close(world: World, at: Date): void {
  const { wallet } = world;
  const decision = closeAuction(world.auction, at);
  const expected = referenceClose(world.model, world.nowMs);
  switch (decision.kind) {
    case 'REFUSED':
      return void expect(decision.error.code).to.equal(expected);
    case 'SOLD': {
      expect(decision.kind).to.equal(expected);
      const { bidderId, lockedKoinu, priceKoinu, returnedKoinu } = decision.conversion;
      expect(wallet.locks.get(bidderId), "the winner's lock").to.equal(lockedKoinu);
      expect(priceKoinu + returnedKoinu).to.equal(lockedKoinu);
      wallet.locks.delete(bidderId);
      wallet.escrow.set(bidderId, priceKoinu);
      world.auction = decision.auction;
      return;
    }
    case 'UNSOLD':
      expect(decision.kind).to.equal(expected);
      if (decision.release !== null) {
        expect(wallet.locks.get(decision.release.bidderId)).to.equal(decision.release.amountKoinu);
        wallet.locks.delete(decision.release.bidderId);
      }
      world.auction = decision.auction;
      return;
    default: {
      const unknown: never = decision;
      throw new Error(`unknown close decision ${JSON.stringify(unknown)}`);
    }
  }
}

/** After every step: the domain's state is the reference's, and the wallet holds what it should. */
function expectAgreement(world: World, previousPrice: bigint | null): void {
  const { auction, model, wallet } = world;
  const leader = referenceLeader(model.bids);
  const status = model.ending === null ? 'OPEN' : model.cancelled ? 'CANCELLED' : 'CLOSED';
  expect(auction.status, 'status').to.equal(status);
  expect(auction.leader?.bidderId, 'leader').to.equal(leader?.bidderId);
  expect(auction.leader?.maxKoinu, "leader's max").to.equal(leader?.maxKoinu);
  expect(auction.priceKoinu, 'price').to.equal(referencePrice(model));
  expect(auction.endsAt.getTime() - T0.getTime(), 'end').to.equal(referenceEndMs(model));
  expect(auction.bidCount, 'bid count').to.equal(model.bids.length);
  if (model.ending === null) {
    expect(auction.buyNowKoinu !== null, 'buy-it-now offered').to.equal(referenceBuyNowOffered(model));
    const expectedLocks = leader === undefined ? [] : [[leader.bidderId, leader.maxKoinu]];
    expect([...wallet.locks], 'locks while open').to.deep.equal(expectedLocks);
    expect(wallet.escrow.size).to.equal(0);
    if (previousPrice !== null) expect(auction.priceKoinu! >= previousPrice, 'the price fell').to.equal(true);
    return;
  }
  expect(auction.ending).to.deep.include(model.ending);
  expect(wallet.locks.size, 'locks after the end').to.equal(0);
  const winner = model.ending.kind === 'SOLD' && model.ending.via === 'BIDDING' ? model.ending : null;
  expect([...wallet.escrow]).to.deep.equal(winner === null ? [] : [[winner.buyerId, winner.priceKoinu]]);
}

function run(scenario: Scenario, commands: Command[]): void {
  const opened = openAuction(
    { auctionId: AUCTION_ID, sellerId: SELLER, ...scenario, endsAt: time(scenario.durationMs) },
    { now: T0, minDurationMs: MINUTE_MS, maxDurationMs: 24 * 60 * MINUTE_MS },
  );
  if (opened.kind !== 'OPENED') expect.fail(`the scenario was refused: ${opened.error.message}`);
  const world: World = {
    scenario,
    auction: opened.auction,
    model: { scenario, bids: [], ending: null, cancelled: false },
    wallet: { locks: new Map(), escrow: new Map() },
    nowMs: 0,
    bids: 0,
  };
  for (const command of commands) {
    const previousPrice = world.auction.priceKoinu;
    apply(world, command);
    expectAgreement(world, previousPrice);
  }
  // However the sequence ended, the timer's close settles it.
  world.nowMs = Math.max(world.nowMs, referenceEndMs(world.model));
  const previousPrice = world.auction.priceKoinu;
  apply(world, { kind: 'close' });
  expectAgreement(world, previousPrice);
}

describe('auction domain against a reference model', () => {
  it('agrees with the reference on every answer, leader, price, end, status and lock', () => {
    fc.assert(
      fc.property(
        scenarioArbitrary,
        fc.array(commandArbitrary, { minLength: 5, maxLength: 60, size: 'max' }),
        (scenario, commands) => run(scenario, commands),
      ),
      { numRuns: 300 },
    );
  });
});
