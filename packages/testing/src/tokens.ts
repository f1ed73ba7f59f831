/**
 * Tokens for the integration tiers, signed with the running stack's private keys (.stack/secrets, made
 * by scripts/lib/parts.sh ensure_jwt_keys): a user token as an identity provider would issue it, a
 * service token as a calling service would make it, an operator token as the staff's sign-in would.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SignJWT, importPKCS8, type CryptoKey, type JWTPayload } from 'jose';
import type { TokenKind } from '@dbay/platform';
import { stackEndpoints } from './stack-env.js';

export interface MintOptions {
  issuer?: string;
  audience?: string;
  /** Seconds from now (a number) or a jose time span ('10m'); null for no exp at all. */
  expiresIn?: string | number | null;
  /** Seconds since the epoch; null for no iat at all. */
  issuedAt?: number | null;
  claims?: JWTPayload;
}

/** The issuer and audience each kind's verifier expects by default (the services' configuration). */
const DEFAULTS: Record<TokenKind, { issuer: string; audience: string }> = {
  user: { issuer: 'dbay-auth', audience: 'dbay-wallet' },
  service: { issuer: 'dbay-services', audience: 'dbay-wallet-internal' },
  operator: { issuer: 'dbay-operators', audience: 'dbay-order-ops' },
};

/**
 * Signs a token of `kind` for `subject` with `privateKey` (ES256), as its issuer would; the stack's keys
 * are used by the mint functions below, a benchmark's own generated keys by bench/support.
 */
export function signToken(
  privateKey: CryptoKey,
  kind: TokenKind,
  subject: string,
  options: MintOptions = {},
): Promise<string> {
  const jwt = new SignJWT({ ...options.claims })
    .setProtectedHeader({ alg: 'ES256' })
    .setSubject(subject)
    .setIssuer(options.issuer ?? DEFAULTS[kind].issuer)
    .setAudience(options.audience ?? DEFAULTS[kind].audience);
  if (options.issuedAt !== null) jwt.setIssuedAt(options.issuedAt);
  if (options.expiresIn !== null) jwt.setExpirationTime(options.expiresIn ?? '10m');
  return jwt.sign(privateKey);
}

async function mint(kind: TokenKind, subject: string, options: MintOptions): Promise<string> {
  const pem = readFileSync(path.join(stackEndpoints().secretsDir, `${kind}-jwt-private.pem`), 'utf8');
  return signToken(await importPKCS8(pem, 'ES256'), kind, subject, options);
}

export function mintUserToken(userId: string, options: MintOptions = {}): Promise<string> {
  return mint('user', userId, options);
}

export function mintServiceToken(service: string, options: MintOptions = {}): Promise<string> {
  return mint('service', service, options);
}

export function mintOperatorToken(operator: string, options: MintOptions = {}): Promise<string> {
  return mint('operator', operator, options);
}
