/**
 * The events the auction domain asks the caller to publish (through the outbox, in the transaction
 * that saves the auction), as plain values: topic, Kafka key (the auction id) and a payload of ids,
 * integer koinu strings and ISO-8601 times. A bidder's hidden maximum is never in a payload: the
 * auction topics are read by other teams, and the price is all anyone else needs.
 */
import type { Auction, AuctionEnding, UnsoldReason } from './auction.js';
import { invariant } from './errors.js';

export type BidOutcomeKind = 'LEADING' | 'OUTBID';

export type AuctionEvent =
  | {
      topic: 'auction.opened';
      key: string;
      payload: {
        auctionId: string;
        sellerId: string;
        startPriceKoinu: string;
        buyNowKoinu: string | null;
        hasReserve: boolean;
        endsAt: string;
      };
    }
  | {
      topic: 'auction.bid-placed';
      key: string;
      payload: {
        auctionId: string;
        bidId: string;
        bidderId: string;
        outcome: BidOutcomeKind;
        leaderId: string;
        priceKoinu: string;
        bidCount: number;
        reserveMet: boolean;
        buyNowRemoved: boolean;
        placedAt: string;
      };
    }
  | {
      topic: 'auction.outbid';
      key: string;
      payload: { auctionId: string; bidderId: string; bidId: string; leaderId: string; priceKoinu: string };
    }
  | {
      topic: 'auction.extended';
      key: string;
      payload: { auctionId: string; bidId: string; previousEndsAt: string; endsAt: string };
    }
  | {
      topic: 'auction.closed';
      key: string;
      payload: {
        auctionId: string;
        outcome: AuctionEnding['kind'];
        via: 'BIDDING' | 'BUY_NOW' | null;
        winnerId: string | null;
        priceKoinu: string | null;
        unsoldReason: UnsoldReason | null;
        closedAt: string;
      };
    };

export type AuctionTopic = AuctionEvent['topic'];

const koinu = (amount: bigint): string => amount.toString();

export function auctionOpened(auction: Auction): AuctionEvent {
  return {
    topic: 'auction.opened',
    key: auction.id,
    payload: {
      auctionId: auction.id,
      sellerId: auction.sellerId,
      startPriceKoinu: koinu(auction.startPriceKoinu),
      buyNowKoinu: auction.buyNowKoinu === null ? null : koinu(auction.buyNowKoinu),
      hasReserve: auction.reserveKoinu !== null,
      endsAt: auction.endsAt.toISOString(),
    },
  };
}

export function bidPlaced(
  auction: Auction,
  bid: { bidId: string; bidderId: string; at: Date },
  outcome: BidOutcomeKind,
  buyNowRemoved: boolean,
): AuctionEvent {
  const { leader, priceKoinu } = auction;
  invariant(leader !== null && priceKoinu !== null, 'a bid was placed on an auction without a leader');
  return {
    topic: 'auction.bid-placed',
    key: auction.id,
    payload: {
      auctionId: auction.id,
      bidId: bid.bidId,
      bidderId: bid.bidderId,
      outcome,
      leaderId: leader.bidderId,
      priceKoinu: koinu(priceKoinu),
      bidCount: auction.bidCount,
      reserveMet: auction.reserveMet,
      buyNowRemoved,
      placedAt: bid.at.toISOString(),
    },
  };
}

/** `loser` is the displaced leader, or a challenger that lost at once to the leader's maximum. */
export function outbid(auction: Auction, loser: { bidderId: string; bidId: string }): AuctionEvent {
  const { leader, priceKoinu } = auction;
  invariant(leader !== null && priceKoinu !== null, 'outbid on an auction without a leader');
  return {
    topic: 'auction.outbid',
    key: auction.id,
    payload: {
      auctionId: auction.id,
      bidderId: loser.bidderId,
      bidId: loser.bidId,
      leaderId: leader.bidderId,
      priceKoinu: koinu(priceKoinu),
    },
  };
}

export function extended(auction: Auction, bidId: string, previousEndsAt: Date): AuctionEvent {
  return {
    topic: 'auction.extended',
    key: auction.id,
    payload: {
      auctionId: auction.id,
      bidId,
      previousEndsAt: previousEndsAt.toISOString(),
      endsAt: auction.endsAt.toISOString(),
    },
  };
}

export function closed(auctionId: string, ending: AuctionEnding): AuctionEvent {
  const common = { auctionId, outcome: ending.kind, closedAt: ending.at.toISOString() };
  switch (ending.kind) {
    case 'SOLD':
      return {
        topic: 'auction.closed',
        key: auctionId,
        payload: {
          ...common,
          via: ending.via,
          winnerId: ending.buyerId,
          priceKoinu: koinu(ending.priceKoinu),
          unsoldReason: null,
        },
      };
    case 'UNSOLD':
      return {
        topic: 'auction.closed',
        key: auctionId,
        payload: { ...common, via: null, winnerId: null, priceKoinu: null, unsoldReason: ending.reason },
      };
    default: {
      const unknown: never = ending;
      throw new Error(`unknown auction ending ${JSON.stringify(unknown)}`);
    }
  }
}
