/**
 * The one table from the web service's own error codes to HTTP statuses. Forwarded API calls answer
 * with the upstream's own codes; these are the web's. Body: { "error": { "code", "message" } }.
 */
import { HttpError, type TokenProblem } from '@dbay/platform';

export type WebErrorCode =
  | 'WEB_LOGIN_NAME_INVALID'
  | 'WEB_UNAUTHENTICATED'
  | 'WEB_TOKEN_INVALID'
  | 'WEB_TOKEN_EXPIRED'
  | 'WEB_FORBIDDEN'
  | 'WEB_TOO_MANY_STREAMS'
  | 'WEB_UPSTREAM_UNAVAILABLE'
  | 'WEB_UI_NOT_BUILT';

export const ERROR_STATUS: Record<WebErrorCode, number> = {
  WEB_LOGIN_NAME_INVALID: 400,
  WEB_UNAUTHENTICATED: 401,
  WEB_TOKEN_INVALID: 401,
  WEB_TOKEN_EXPIRED: 401,
  WEB_FORBIDDEN: 403,
  WEB_TOO_MANY_STREAMS: 429,
  WEB_UPSTREAM_UNAVAILABLE: 502,
  WEB_UI_NOT_BUILT: 503,
};

export const TOKEN_ERROR_CODES: Record<TokenProblem, WebErrorCode> = {
  UNAUTHENTICATED: 'WEB_UNAUTHENTICATED',
  INVALID: 'WEB_TOKEN_INVALID',
  EXPIRED: 'WEB_TOKEN_EXPIRED',
  FORBIDDEN: 'WEB_FORBIDDEN',
};

export function webError(code: WebErrorCode, message: string): HttpError {
  return new HttpError(ERROR_STATUS[code], code, message);
}
