/**
 * The order service's OpenAPI 3.1 document: listings, orders and auctions under /v1 and the operators'
 * API under /ops, declared beside their routers from the schemas they parse with. main.ts serves it at
 * GET /openapi.json; `npm run openapi:generate` writes docs/openapi/order.json.
 */
import { ApiDoc } from '@dbay/platform';
import { auctionRouteDocs } from './auction-routes.js';
import {
  ERROR_STATUS,
  ORDER_BODY_CODES,
  ORDER_IDEMPOTENCY_CODES,
  ORDER_TOKEN_CODES,
  type OrderServiceErrorCode,
} from './error-table.js';
import { operatorRouteDocs } from './operator-routes.js';
import { userRouteDocs } from './user-routes.js';

export function orderApiDoc(): ApiDoc<OrderServiceErrorCode> {
  return new ApiDoc<OrderServiceErrorCode>({
    title: 'DBay marketplace (order service)',
    version: '1',
    description:
      'Listings, buy-it-now orders and auctions (/v1, user tokens; reading listings and auctions needs ' +
      'none) and dispute resolution (/ops, operator tokens). Amounts are DOGE decimal strings. Every ' +
      'command needs an Idempotency-Key.',
    errorStatus: ERROR_STATUS,
    tokenCodes: ORDER_TOKEN_CODES,
    inputCodes: [ORDER_BODY_CODES.validation, ORDER_BODY_CODES.amount],
    idempotencyCodes: [
      ORDER_IDEMPOTENCY_CODES.missing,
      ORDER_IDEMPOTENCY_CODES.invalid,
      'ORDER_IDEMPOTENCY_KEY_REUSED',
    ],
  })
    .mount('/v1', userRouteDocs)
    .mount('/v1', auctionRouteDocs)
    .mount('/ops', operatorRouteDocs);
}
