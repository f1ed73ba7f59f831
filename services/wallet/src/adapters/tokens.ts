/**
 * Bearer token verification with jose. Two kinds, told apart by key, issuer and audience: user tokens
 * (from the auth service; subject = the user's UUID) for /v1, and service tokens (subject = the calling
 * service's name) for /internal. The algorithm is pinned (ES256), exp is required, and a token of the
 * wrong kind is recognised as such so it can be refused with 403 rather than 401.
 */
import { errors, importSPKI, jwtVerify, type CryptoKey } from 'jose';

export const TOKEN_ALGORITHM = 'ES256';
const CLOCK_TOLERANCE_SECONDS = 5;
/** Verified tokens are remembered (until they expire) so a service's reused token costs one verify. */
const VERIFIED_CACHE_MAX_ENTRIES = 10_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export type Principal = { kind: 'user'; userId: string } | { kind: 'service'; name: string };

export type TokenErrorCode =
  'WALLET_UNAUTHENTICATED' | 'WALLET_TOKEN_EXPIRED' | 'WALLET_TOKEN_INVALID' | 'WALLET_FORBIDDEN';

export class TokenError extends Error {
  constructor(
    readonly code: TokenErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TokenError';
  }
}

export interface TokenAudience {
  publicKeyPem: string;
  issuer: string;
  audience: string;
}

interface Verified {
  principal: Principal;
  expiresAtMs: number;
}

export class TokenVerifier {
  private readonly cache = new Map<string, Verified>();

  private constructor(
    private readonly user: TokenAudience & { key: CryptoKey },
    private readonly service: TokenAudience & { key: CryptoKey },
    private readonly allowedServices: Set<string>,
  ) {}

  static async create(
    user: TokenAudience,
    service: TokenAudience,
    allowedServices: string[],
  ): Promise<TokenVerifier> {
    return new TokenVerifier(
      { ...user, key: await importSPKI(user.publicKeyPem, TOKEN_ALGORITHM) },
      { ...service, key: await importSPKI(service.publicKeyPem, TOKEN_ALGORITHM) },
      new Set(allowedServices),
    );
  }

  /** Verifies an Authorization header for the given API; throws TokenError. */
  async authenticate(header: string | undefined, api: 'user' | 'service'): Promise<Principal> {
    const token = /^Bearer ([A-Za-z0-9_.-]{1,4096})$/.exec(header ?? '')?.[1];
    if (!token) throw new TokenError('WALLET_UNAUTHENTICATED', 'an Authorization: Bearer token is required');
    const cached = this.cache.get(token);
    if (cached && cached.expiresAtMs > Date.now()) return this.admit(cached.principal, api);
    const verified = await this.verifyAny(token, api);
    if (this.cache.size >= VERIFIED_CACHE_MAX_ENTRIES) this.cache.clear();
    this.cache.set(token, verified);
    return this.admit(verified.principal, api);
  }

  private admit(principal: Principal, api: 'user' | 'service'): Principal {
    if (api === 'user' && principal.kind !== 'user') {
      throw new TokenError('WALLET_FORBIDDEN', 'service tokens cannot call the user API');
    }
    if (api === 'service') {
      if (principal.kind !== 'service')
        throw new TokenError('WALLET_FORBIDDEN', 'user tokens cannot call the internal API');
      if (!this.allowedServices.has(principal.name)) {
        throw new TokenError(
          'WALLET_FORBIDDEN',
          `service ${principal.name} may not call the wallet's internal API`,
        );
      }
    }
    return principal;
  }

  /** Tries the API's own kind first; a token of the other kind still verifies, to be refused with 403. */
  private async verifyAny(token: string, api: 'user' | 'service'): Promise<Verified> {
    const [first, second] = api === 'user' ? (['user', 'service'] as const) : (['service', 'user'] as const);
    try {
      return await this.verify(token, first);
    } catch (firstError) {
      if (firstError instanceof errors.JWTExpired)
        throw new TokenError('WALLET_TOKEN_EXPIRED', 'the token has expired');
      try {
        return await this.verify(token, second);
      } catch {
        throw new TokenError('WALLET_TOKEN_INVALID', `the token is not valid: ${describe(firstError)}`);
      }
    }
  }

  private async verify(token: string, kind: 'user' | 'service'): Promise<Verified> {
    const settings = kind === 'user' ? this.user : this.service;
    const { payload } = await jwtVerify(token, settings.key, {
      algorithms: [TOKEN_ALGORITHM],
      issuer: settings.issuer,
      audience: settings.audience,
      requiredClaims: ['exp', 'sub'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    });
    const subject = payload.sub ?? '';
    const expiresAtMs = (payload.exp ?? 0) * 1000;
    if (kind === 'user') {
      if (!UUID.test(subject))
        throw new TokenError('WALLET_TOKEN_INVALID', 'the token subject is not a user id');
      return { principal: { kind: 'user', userId: subject }, expiresAtMs };
    }
    if (!/^[a-z][a-z0-9-]{0,62}$/.test(subject))
      throw new TokenError('WALLET_TOKEN_INVALID', 'the token subject is not a service name');
    return { principal: { kind: 'service', name: subject }, expiresAtMs };
  }
}

function describe(error: unknown): string {
  if (error instanceof TokenError) return error.message;
  if (error instanceof errors.JOSEError) return error.code;
  return 'malformed token';
}
