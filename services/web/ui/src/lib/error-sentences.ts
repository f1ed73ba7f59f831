/**
 * Every code the APIs answer with, as a sentence a user understands. The codes are those of the
 * wallet's and the order service's error tables (src/entrypoints/http/error-table.ts), the platform's
 * HTTP layer (packages/platform/src/http.ts) and the reasons a withdrawal fails (docs/withdrawal-saga.md);
 * test/error-sentences.unit.spec.ts reads those tables and fails when a code has no sentence here.
 * A code this table does not know still gets a sentence, which names the code for support.
 */

export const ERROR_SENTENCES: Readonly<Record<string, string>> = {
  // ---------------------------------------------------------------- wallet
  WALLET_VALIDATION_FAILED:
    'Some of what you entered is not in the expected form. Check the fields and try again.',
  WALLET_AMOUNT_INVALID: 'The amount must be a positive number of DOGE with at most 8 decimal places.',
  WALLET_IDEMPOTENCY_KEY_MISSING: 'The page sent an incomplete request. Reload the page and try again.',
  WALLET_IDEMPOTENCY_KEY_INVALID: 'The page sent an incomplete request. Reload the page and try again.',
  WALLET_IDEMPOTENCY_KEY_REUSED:
    'This request was already used for something different. Start again from the form; nothing was changed.',
  WITHDRAWAL_ADDRESS_INVALID:
    'That is not a valid Dogecoin address for this network. Check it and try again.',
  WITHDRAWAL_TO_OWN_ADDRESS:
    'That address belongs to DBay itself (a deposit address, for one). Withdraw to a wallet outside DBay.',
  WALLET_SAME_BUYER_AND_SELLER: 'You cannot buy from yourself.',
  WALLET_FEE_EXCEEDS_AMOUNT: 'The fee would be larger than the amount.',
  WALLET_UNAUTHENTICATED: 'Please sign in to continue.',
  WALLET_TOKEN_INVALID: 'Your sign-in is not valid any more. Please sign in again.',
  WALLET_TOKEN_EXPIRED: 'Your session has expired. Please sign in again.',
  WALLET_FORBIDDEN: 'Your account is not allowed to do this.',
  WALLET_NOT_FOUND: 'You have no wallet yet. Ask for a deposit address to open one.',
  WALLET_ESCROW_NOT_FOUND: 'The payment held for this order could not be found.',
  WALLET_BID_LOCK_NOT_FOUND: 'The money held for this bid could not be found.',
  WALLET_WITHDRAWAL_NOT_FOUND: 'You have no withdrawal with that reference.',
  WALLET_DEPOSIT_ADDRESS_NOT_ASSIGNED: 'You have no deposit address yet.',
  WALLET_ESCROW_ALREADY_EXISTS: 'This order has already been paid.',
  WALLET_ESCROW_WRONG_STATE: 'The payment for this order can no longer be changed this way.',
  WALLET_ESCROW_DISPUTED: 'This order is in dispute, so its payment is frozen until the dispute is resolved.',
  WALLET_BID_NOT_HIGHER: 'A new maximum must be higher than your current one.',
  WALLET_BID_LOCK_WRONG_STATE: 'The money held for this bid can no longer be changed.',
  WALLET_BID_LOCK_SUPERSEDED: 'The money held for this bid now backs your later, higher bid.',
  WALLET_BID_LOCK_RELEASED: 'This bid was already settled; nothing is held for it. Place a new bid.',
  WALLET_WITHDRAWAL_ALREADY_EXISTS: 'This withdrawal was already requested.',
  WALLET_WITHDRAWAL_WRONG_STATE: 'This withdrawal can no longer be changed.',
  WALLET_DEPOSIT_USER_MISMATCH: 'This deposit belongs to another account.',
  WALLET_DEPOSIT_ADDRESS_NOT_USERS: 'This deposit was not paid to your deposit address.',
  WALLET_DEPOSIT_AMOUNT_MISMATCH: 'This deposit does not match what the chain shows.',
  WALLET_INSUFFICIENT_FUNDS: 'You do not have enough available DOGE for this, including the fee.',
  WALLET_WITHDRAWAL_BELOW_MINIMUM: 'The amount is below the smallest withdrawal allowed.',
  WALLET_BID_AMOUNT_EXCEEDS_LOCK: 'The bid is larger than the money held for it.',
  WALLET_SPLIT_REFUND_OUT_OF_RANGE: 'The refund must lie between nothing and the full price.',
  WALLET_SPLIT_FEE_EXCEEDS_SELLER_PART: "The platform fee would be larger than the seller's part.",
  WALLET_BUSY: 'The wallet is very busy right now. Nothing was changed; please try again in a moment.',
  WALLET_UNAVAILABLE: 'The wallet is unavailable right now. Nothing was changed; please try again shortly.',
  WALLET_DEPOSIT_ADDRESSES_UNCONFIGURED:
    'Deposit addresses cannot be handed out right now. Please try again later.',

  // ---------------------------------------------------------------- withdrawals (why one failed)
  WITHDRAWAL_AMOUNT_INVALID: 'The withdrawal amount was refused.',
  WITHDRAWAL_AMOUNT_BELOW_DUST: 'The amount is too small for the Dogecoin network to carry.',
  WITHDRAWAL_REJECTED_BY_FRAUD_RULES:
    'The withdrawal was stopped by our security checks. Your DOGE was returned.',
  WITHDRAWAL_REJECTED_IN_REVIEW: 'The withdrawal was refused in review. Your DOGE was returned.',
  WITHDRAWAL_SIGNER_REFUSED: 'The withdrawal could not be signed. Your DOGE was returned.',
  WITHDRAWAL_DROPPED_BY_NETWORK: 'The Dogecoin network dropped the transaction. Your DOGE was returned.',
  WITHDRAWAL_COIN_REVERSED: 'A coin this withdrawal used left the chain. Your DOGE was returned.',
  WITHDRAWAL_SIGNED_TX_MALFORMED:
    'The signed transaction was faulty and was not sent. Your DOGE was returned.',
  WITHDRAWAL_SIGNED_TX_MISMATCH: 'The signed transaction did not match the request and was not sent.',
  WITHDRAWAL_SIGNED_TX_UNDERPRICED: 'The signed transaction paid too little fee and was not sent.',

  // ---------------------------------------------------------------- marketplace
  ORDER_VALIDATION_FAILED:
    'Some of what you entered is not in the expected form. Check the fields and try again.',
  ORDER_AMOUNT_INVALID: 'The amount must be a positive number of DOGE with at most 8 decimal places.',
  ORDER_IDEMPOTENCY_KEY_MISSING: 'The page sent an incomplete request. Reload the page and try again.',
  ORDER_IDEMPOTENCY_KEY_INVALID: 'The page sent an incomplete request. Reload the page and try again.',
  ORDER_IDEMPOTENCY_KEY_REUSED:
    'This request was already used for something different. Start again; nothing was changed.',
  ORDER_SPLIT_INVALID: 'That split of the money is not possible.',
  ORDER_UNAUTHENTICATED: 'Please sign in to continue.',
  ORDER_TOKEN_INVALID: 'Your sign-in is not valid any more. Please sign in again.',
  ORDER_TOKEN_EXPIRED: 'Your session has expired. Please sign in again.',
  ORDER_FORBIDDEN: 'Your account is not allowed to do this.',
  ORDER_NOT_BUYER: 'Only the buyer of this order can do that.',
  ORDER_NOT_SELLER: 'Only the seller of this order can do that.',
  ORDER_NOT_FOUND: 'That order does not exist, or it is not yours.',
  ORDER_OWN_LISTING: 'You cannot buy your own item.',
  ORDER_WRONG_STATE: 'The order has moved on and this is no longer possible. The page shows where it is now.',
  ORDER_ESCROW_PENDING: 'The payment is still being confirmed. Please try again in a moment.',
  ORDER_DISPUTE_NOT_FROZEN: 'The dispute is not ready to be resolved yet.',
  ORDER_PAYMENT_FAILED: 'The payment failed, so nothing was bought. No money left your wallet.',
  ORDER_INSUFFICIENT_FUNDS: 'You do not have enough available DOGE to buy this.',
  ORDER_UNAVAILABLE:
    'The marketplace is unavailable right now. Nothing was changed; please try again shortly.',
  LISTING_NOT_FOUND: 'That item does not exist or was taken off sale.',
  LISTING_NOT_AVAILABLE: 'This item has just been sold or is being bought by someone else.',
  LISTING_NOT_SELLER: 'Only the seller can change this item.',
  LISTING_WRONG_STATE: 'This item can no longer be changed.',
  AUCTION_NOT_FOUND: 'That auction does not exist.',
  AUCTION_NOT_SELLER: 'Only the seller can do this to the auction.',
  AUCTION_CLOSED: 'This auction has ended.',
  AUCTION_OWN_AUCTION: 'You cannot bid on or buy your own auction.',
  AUCTION_HAS_BIDS: 'An auction that has bids cannot be cancelled.',
  AUCTION_BUY_NOW_NOT_OFFERED: 'This auction has no Buy Now price.',
  AUCTION_BUY_NOW_PENDING: 'Someone is buying this auction right now.',
  AUCTION_BID_IN_PROGRESS:
    'Your previous bid on this auction is still being placed. Wait a moment and try again.',
  AUCTION_BID_NOT_HIGHER: 'Your new maximum must be higher than the maximum you already bid.',
  AUCTION_BID_INTERRUPTED: 'Your bid was interrupted and did not count. Nothing is held; please bid again.',
  AUCTION_BID_TOO_LOW: 'Your bid is below the minimum bid shown.',
  AUCTION_INSUFFICIENT_FUNDS: 'You do not have enough available DOGE to cover this maximum bid.',
  AUCTION_WALLET_UNAVAILABLE:
    'The wallet could not hold the money for your bid right now. Nothing was bid; try again.',
  AUCTION_CLOSE_NOT_DUE: 'This auction is not due to close yet.',
  AUCTION_START_PRICE_NOT_POSITIVE: 'The starting price must be more than zero.',
  AUCTION_RESERVE_BELOW_START: 'The reserve price cannot be below the starting price.',
  AUCTION_BUY_NOW_TOO_LOW: 'The Buy Now price must be above the starting price.',
  AUCTION_BUY_NOW_BELOW_RESERVE: 'The Buy Now price cannot be below the reserve price.',
  AUCTION_END_INVALID: 'The end time is not a valid time.',
  AUCTION_END_TOO_SOON: 'The auction must run for longer.',
  AUCTION_END_TOO_LATE: 'The auction cannot run that long.',
  AUCTION_LADDER_EMPTY: 'Auctions are misconfigured on our side. Please try again later.',
  AUCTION_LADDER_MALFORMED: 'Auctions are misconfigured on our side. Please try again later.',
  AUCTION_LADDER_NOT_FROM_ZERO: 'Auctions are misconfigured on our side. Please try again later.',
  AUCTION_LADDER_NOT_INCREASING: 'Auctions are misconfigured on our side. Please try again later.',
  AUCTION_LADDER_INCREMENT_NOT_POSITIVE: 'Auctions are misconfigured on our side. Please try again later.',

  // ---------------------------------------------------------------- platform HTTP layer
  ROUTE_NOT_FOUND: 'This part of the service is not available.',
  REQUEST_MALFORMED_JSON: 'The page sent a request the server could not read. Reload the page and try again.',
  REQUEST_TOO_LARGE: 'What you entered is too long.',
  REQUEST_UNSUPPORTED_ENCODING:
    'The page sent a request the server could not read. Reload the page and try again.',
  REQUEST_UNSUPPORTED_CHARSET:
    'The page sent a request the server could not read. Reload the page and try again.',
  REQUEST_INVALID: 'The page sent a request the server could not read. Reload the page and try again.',
  INTERNAL_ERROR: 'Something went wrong on our side. Nothing you did caused it; please try again later.',

  // ---------------------------------------------------------------- this page (no answer at all)
  NETWORK_OFFLINE:
    'You seem to be offline, or the service cannot be reached. Check your connection and try again.',
  RESPONSE_UNREADABLE: 'The service answered with something the page could not read. Please try again later.',
};

/** The sentence for a code; an unknown code still reads as a sentence and names the code. */
export function errorSentence(code: string): string {
  return (
    ERROR_SENTENCES[code] ??
    `Something went wrong (code ${code}). Please try again, or contact support with the code.`
  );
}
