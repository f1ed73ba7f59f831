/**
 * Tokens for the integration tiers, signed with the running stack's private keys (.stack/secrets, made
 * by scripts/lib/parts.sh ensure_jwt_keys): a user token as an identity provider would issue it, a
 * service token as a calling service would make it, an operator token as the staff's sign-in would.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SignJWT, importPKCS8, type JWTPayload } from 'jose';
import { stackEndpoints } from './stack-env.js';

type KeyName = 'user-jwt' | 'service-jwt' | 'operator-jwt';

export interface MintOptions {
  issuer?: string;
  audience?: string;
  /** Seconds from now (a number) or a jose time span ('10m'); null for no exp at all. */
  expiresIn?: string | number | null;
  /** Seconds since the epoch; null for no iat at all. */
  issuedAt?: number | null;
  claims?: JWTPayload;
}

const DEFAULTS: Record<KeyName, { issuer: string; audience: string }> = {
  'user-jwt': { issuer: 'dbay-auth', audience: 'dbay-wallet' },
  'service-jwt': { issuer: 'dbay-services', audience: 'dbay-wallet-internal' },
  'operator-jwt': { issuer: 'dbay-operators', audience: 'dbay-order-ops' },
};

async function mint(key: KeyName, subject: string, options: MintOptions): Promise<string> {
  const pem = readFileSync(path.join(stackEndpoints().secretsDir, `${key}-private.pem`), 'utf8');
  const jwt = new SignJWT({ ...options.claims })
    .setProtectedHeader({ alg: 'ES256' })
    .setSubject(subject)
    .setIssuer(options.issuer ?? DEFAULTS[key].issuer)
    .setAudience(options.audience ?? DEFAULTS[key].audience);
  if (options.issuedAt !== null) jwt.setIssuedAt(options.issuedAt);
  if (options.expiresIn !== null) jwt.setExpirationTime(options.expiresIn ?? '10m');
  return jwt.sign(await importPKCS8(pem, 'ES256'));
}

export function mintUserToken(userId: string, options: MintOptions = {}): Promise<string> {
  return mint('user-jwt', userId, options);
}

export function mintServiceToken(service: string, options: MintOptions = {}): Promise<string> {
  return mint('service-jwt', service, options);
}

export function mintOperatorToken(operator: string, options: MintOptions = {}): Promise<string> {
  return mint('operator-jwt', operator, options);
}
