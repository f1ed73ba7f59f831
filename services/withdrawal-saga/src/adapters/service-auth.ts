/**
 * Service authentication of the internal API: a short-lived JWT signed by the platform's service-token
 * key, verified here with its public key (jose). The token must name this service as audience and
 * its caller as subject; the subject is recorded as the reviewer of any decision.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { jwtVerify, errors } from 'jose';
import type { RequestHandler } from 'express';
import { HttpError } from '@dbay/platform';

export interface ServiceTokenOptions {
  publicKeyPem: string;
  issuer: string;
  audience: string;
  /** Subjects (calling services) admitted; empty admits every valid service token. */
  allowedSubjects: readonly string[];
}

/** Pinned, as the wallet pins it: an asymmetric key, so holding the verifier cannot forge a token. */
const ALLOWED_ALGORITHMS = ['ES256'];
/** Clock skew tolerated between the token's issuer and this service. */
const CLOCK_TOLERANCE_SECONDS = 30;

export function serviceAuthentication(options: ServiceTokenOptions): RequestHandler {
  const key: KeyObject = createPublicKey(options.publicKeyPem);
  return (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
    if (!match) {
      next(new HttpError(401, 'AUTH_TOKEN_MISSING', 'a service bearer token is required'));
      return;
    }
    jwtVerify(match[1]!, key, {
      issuer: options.issuer,
      audience: options.audience,
      algorithms: ALLOWED_ALGORITHMS,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['sub', 'exp'],
    })
      .then(({ payload }) => {
        if (options.allowedSubjects.length > 0 && !options.allowedSubjects.includes(payload.sub ?? '')) {
          next(
            new HttpError(403, 'AUTH_FORBIDDEN', `service ${payload.sub ?? '?'} may not use the review API`),
          );
          return;
        }
        res.locals.caller = payload.sub;
        next();
      })
      .catch((error: unknown) => {
        const expired = error instanceof errors.JWTExpired;
        next(
          new HttpError(
            401,
            expired ? 'AUTH_TOKEN_EXPIRED' : 'AUTH_TOKEN_INVALID',
            expired ? 'the service token has expired' : 'the service token is not valid',
          ),
        );
      });
  };
}
