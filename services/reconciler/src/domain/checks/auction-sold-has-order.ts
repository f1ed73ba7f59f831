/**
 * `auction-sold-has-order`: a SOLD auction has its order (auctions.order_id: an order of this auction,
 * to the buyer, for the final price) and that order's escrow in the wallet. Sold at the close, the escrow
 * is converted from the winner's lock: the wallet's lock of the winner is CONVERTED into that order.
 * Bought now, the order was paid like a listing before the auction closed, so its escrow exists.
 *
 * The order is created in the close's own transaction (bought now: before it), so a sold auction without
 * its order is never in flight. The conversion travels to the wallet through the outbox: the winner's
 * lock still ACTIVE, without an escrow, is forgiven while the auction, the order or the lock changed
 * within the grace period. A lock converted into another order, released, or missing, and a converted
 * lock without its escrow (the wallet writes both in one transaction), are never in flight.
 */
import { finding, type Finding } from '../findings.js';
import { changedWithinGrace, type GraceWindow } from '../grace.js';
import { describeLock, type AuctionBook, type AuctionOrderSide, type AuctionSide } from './auction-book.js';

type Sale = NonNullable<AuctionSide['sale']>;

const describeSale = (auctionId: string, sale: Sale): string =>
  `auction ${auctionId} sold (${sale.via}) to ${sale.buyerId} for ${sale.priceKoinu} koinu`;

function orderMismatch(auctionId: string, sale: Sale, order: AuctionOrderSide): string | null {
  if (order.auctionId !== auctionId) return `order of auction ${order.auctionId ?? 'none (a listing)'}`;
  if (order.buyerId !== sale.buyerId) return `order to ${order.buyerId}`;
  if (order.amountKoinu !== sale.priceKoinu) return `order for ${order.amountKoinu} koinu`;
  return null;
}

/** The winner's lock, converted into this order (or on its way there within the grace period). */
function checkConversion(
  book: AuctionBook,
  auction: AuctionSide,
  sale: Sale,
  order: AuctionOrderSide,
  window: GraceWindow,
): Finding[] {
  const lock = book.locks.find((candidate) => candidate.bidderId === sale.buyerId);
  const report = (actual: string, detail: string): Finding[] => [
    finding(
      'auction-sold-has-order',
      'auction',
      book.auctionId,
      `the winner's lock CONVERTED into order ${order.orderId}, with its escrow`,
      actual,
      `${describeSale(book.auctionId, sale)}; ${detail}`,
    ),
  ];
  if (lock === undefined) return report('no lock', 'the wallet has no lock of the winner');
  if (lock.status === 'ACTIVE') {
    if (changedWithinGrace(window, auction.updatedAt, order.updatedAt, lock.updatedAt)) return [];
    return report(
      'lock ACTIVE',
      `${describeLock(lock)}: a conversion older than the grace period (order ${order.status}, changed ${order.updatedAt.toISOString()})`,
    );
  }
  if (lock.status !== 'CONVERTED' || lock.orderId !== order.orderId) {
    return report(
      `lock ${lock.status}${lock.orderId ? ` into order ${lock.orderId}` : ''}`,
      describeLock(lock),
    );
  }
  if (book.escrow === null) return report('no escrow', `${describeLock(lock)}, but no escrow for the order`);
  return [];
}

export function checkAuctionSoldHasOrder(book: AuctionBook, window: GraceWindow): Finding[] {
  const auction = book.auction;
  const sale = auction?.sale;
  if (!auction || !sale) return [];
  const order = book.order;
  const expectedOrder = `an order of this auction to ${sale.buyerId} for ${sale.priceKoinu} koinu`;
  if (order === null) {
    return [
      finding(
        'auction-sold-has-order',
        'auction',
        book.auctionId,
        expectedOrder,
        'no order',
        `${describeSale(book.auctionId, sale)}; ${auction.orderId === null ? 'the auction names no order' : `its order ${auction.orderId} does not exist`}`,
      ),
    ];
  }
  const mismatch = orderMismatch(book.auctionId, sale, order);
  if (mismatch !== null) {
    return [
      finding(
        'auction-sold-has-order',
        'auction',
        book.auctionId,
        expectedOrder,
        mismatch,
        `${describeSale(book.auctionId, sale)}; its order ${order.orderId} is ${order.status}`,
      ),
    ];
  }
  if (sale.via === 'BIDDING') return checkConversion(book, auction, sale, order, window);
  if (book.escrow !== null) return [];
  return [
    finding(
      'auction-sold-has-order',
      'auction',
      book.auctionId,
      `the escrow of order ${order.orderId}`,
      'no escrow',
      `${describeSale(book.auctionId, sale)}; bought now, so its order was paid before the auction closed`,
    ),
  ];
}
