/**
 * The wallet's OpenAPI 3.1 document: the user API under /v1 and the internal API under /internal,
 * declared beside their routers (user-routes.ts, internal-routes.ts) from the schemas they parse with.
 * app.ts serves it at GET /openapi.json; `npm run openapi:generate` writes docs/openapi/wallet.json.
 */
import { ApiDoc } from '@dbay/platform';
import { ERROR_STATUS, type WalletErrorCode } from './error-table.js';
import { internalRouteDocs } from './internal-routes.js';
import { WALLET_TOKEN_CODES } from './request.js';
import { userRouteDocs } from './user-routes.js';

export function walletApiDoc(): ApiDoc<WalletErrorCode> {
  return new ApiDoc<WalletErrorCode>({
    title: 'DBay wallet',
    version: '1',
    description:
      'Balances, ledger, deposits and withdrawals of a user (/v1, user tokens; amounts are DOGE decimal ' +
      'strings), and the escrow and bid-lock commands of the marketplace (/internal, service tokens; ' +
      'amounts are integer koinu strings). Every POST needs an Idempotency-Key.',
    errorStatus: ERROR_STATUS,
    tokenCodes: WALLET_TOKEN_CODES,
    inputCodes: ['WALLET_VALIDATION_FAILED', 'WALLET_AMOUNT_INVALID'],
    idempotencyCodes: [
      'WALLET_IDEMPOTENCY_KEY_MISSING',
      'WALLET_IDEMPOTENCY_KEY_INVALID',
      'WALLET_IDEMPOTENCY_KEY_REUSED',
    ],
  })
    .mount('/v1', userRouteDocs)
    .mount('/internal', internalRouteDocs);
}
