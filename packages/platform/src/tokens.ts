// Bearer token verification, one behaviour for every service (jose, ES256 pinned). Three kinds of
// caller, told apart by the key, issuer and audience that verify the token:
//
//   user      people using the platform; subject = the user's UUID (from the identity provider)
//   service   another service of the platform; subject = its name, admitted only where a route's
//             allow-list names it (an allow-list is required: there is no "any service")
//   operator  a person of the platform's staff deciding something (a withdrawal review, a dispute);
//             subject = the operator's name, recorded with every decision
//
// Every token needs `sub`, `iat` and `exp`; `iat` may not lie in the future and `exp - iat` may not
// exceed the kind's maximum lifetime, so a leaked token cannot be minted to live for decades. A token of
// another kind than a route accepts still verifies (with its own key) so that it is refused with 403,
// not 401: the caller is known, just not allowed here.
import { SignJWT, errors, importPKCS8, importSPKI, jwtVerify, type CryptoKey, type JWTPayload } from 'jose';

export const TOKEN_ALGORITHM = 'ES256';
/** Clock skew tolerated between a token's issuer and the verifying service, for exp, nbf and iat. */
export const TOKEN_CLOCK_TOLERANCE_SECONDS = 5;
/** Verified tokens are remembered (until they expire) so a caller's reused token costs one verify. */
const VERIFIED_CACHE_MAX_ENTRIES = 10_000;

export const DEFAULT_TOKEN_MAX_LIFETIME_SECONDS = {
  user: 24 * 60 * 60,
  service: 60 * 60,
  operator: 8 * 60 * 60,
} as const;

const USER_SUBJECT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SERVICE_SUBJECT = /^[a-z][a-z0-9-]{0,62}$/;
const OPERATOR_SUBJECT = /^[a-z][a-z0-9._-]{1,62}$/;

export type Principal =
  { kind: 'user'; userId: string } | { kind: 'service'; name: string } | { kind: 'operator'; name: string };

export type TokenKind = Principal['kind'];

/** Why a token was refused; each service maps these to its own error codes (401, 401, 401, 403). */
export type TokenProblem = 'UNAUTHENTICATED' | 'EXPIRED' | 'INVALID' | 'FORBIDDEN';

export class TokenError extends Error {
  constructor(
    readonly problem: TokenProblem,
    message: string,
  ) {
    super(message);
    this.name = 'TokenError';
  }
}

export const TOKEN_PROBLEM_STATUS: Record<TokenProblem, 401 | 403> = {
  UNAUTHENTICATED: 401,
  EXPIRED: 401,
  INVALID: 401,
  FORBIDDEN: 403,
};

/** Who may sign one kind of token, for whom, and for how long. */
export interface TokenTrust {
  publicKeyPem: string;
  issuer: string;
  audience: string;
  /** Default: DEFAULT_TOKEN_MAX_LIFETIME_SECONDS of the kind. */
  maxLifetimeSeconds?: number;
}

/** What a route accepts: the kinds, and for services the names (never empty). */
export type AccessRule =
  { kind: 'user' } | { kind: 'operator' } | { kind: 'service'; services: readonly string[] };

interface Verified {
  principal: Principal;
  expiresAtMs: number;
}

interface KindSettings {
  key: CryptoKey;
  issuer: string;
  audience: string;
  maxLifetimeSeconds: number;
}

export class TokenVerifier {
  private readonly cache = new Map<string, Verified>();

  private constructor(private readonly kinds: Map<TokenKind, KindSettings>) {}

  /** Builds a verifier for the kinds given; a route asking for another kind refuses every token. */
  static async create(trust: Partial<Record<TokenKind, TokenTrust>>): Promise<TokenVerifier> {
    const kinds = new Map<TokenKind, KindSettings>();
    for (const kind of ['user', 'service', 'operator'] as const) {
      const settings = trust[kind];
      if (!settings) continue;
      kinds.set(kind, {
        key: await importSPKI(settings.publicKeyPem, TOKEN_ALGORITHM),
        issuer: settings.issuer,
        audience: settings.audience,
        maxLifetimeSeconds: settings.maxLifetimeSeconds ?? DEFAULT_TOKEN_MAX_LIFETIME_SECONDS[kind],
      });
    }
    return new TokenVerifier(kinds);
  }

  /** Verifies an Authorization header against a route's rule; throws TokenError. */
  async authenticate(header: string | undefined, rule: AccessRule): Promise<Principal> {
    if (rule.kind === 'service' && rule.services.length === 0) {
      // A programming or configuration error, not the caller's: no route admits every service.
      throw new Error('a service route needs a non-empty allow-list of callers');
    }
    const token = /^Bearer ([A-Za-z0-9_.-]{1,4096})$/.exec(header ?? '')?.[1];
    if (!token) throw new TokenError('UNAUTHENTICATED', 'an Authorization: Bearer token is required');
    const cached = this.cache.get(token);
    if (cached && cached.expiresAtMs > Date.now()) return admit(cached.principal, rule);
    const verified = await this.verifyAny(token, rule.kind);
    if (this.cache.size >= VERIFIED_CACHE_MAX_ENTRIES) this.cache.clear();
    this.cache.set(token, verified);
    return admit(verified.principal, rule);
  }

  /** Tries the rule's own kind first; a token of another kind still verifies, to be refused with 403. */
  private async verifyAny(token: string, wanted: TokenKind): Promise<Verified> {
    const order = [wanted, ...[...this.kinds.keys()].filter((kind) => kind !== wanted)];
    let firstError: unknown = new TokenError('INVALID', `${wanted} tokens are not accepted here`);
    for (const [index, kind] of order.entries()) {
      try {
        return await this.verify(token, kind);
      } catch (error) {
        if (index === 0) {
          if (error instanceof errors.JWTExpired) throw new TokenError('EXPIRED', 'the token has expired');
          firstError = error;
        }
      }
    }
    throw new TokenError('INVALID', `the token is not valid: ${describe(firstError)}`);
  }

  private async verify(token: string, kind: TokenKind): Promise<Verified> {
    const settings = this.kinds.get(kind);
    if (!settings) throw new TokenError('INVALID', `${kind} tokens are not accepted here`);
    const { payload } = await jwtVerify(token, settings.key, {
      algorithms: [TOKEN_ALGORITHM],
      issuer: settings.issuer,
      audience: settings.audience,
      requiredClaims: ['exp', 'iat', 'sub'],
      clockTolerance: TOKEN_CLOCK_TOLERANCE_SECONDS,
      maxTokenAge: settings.maxLifetimeSeconds,
    });
    checkLifetime(payload, settings.maxLifetimeSeconds);
    return { principal: principalOf(kind, payload.sub ?? ''), expiresAtMs: (payload.exp ?? 0) * 1000 };
  }
}

/** iat in the past (within the tolerance), and exp no further after iat than the kind allows. */
function checkLifetime(payload: JWTPayload, maxLifetimeSeconds: number): void {
  const issuedAt = payload.iat ?? 0;
  const nowSeconds = Math.floor(Date.now() / 1000);
  if (issuedAt > nowSeconds + TOKEN_CLOCK_TOLERANCE_SECONDS) {
    throw new TokenError('INVALID', 'the token was issued in the future');
  }
  if ((payload.exp ?? 0) - issuedAt > maxLifetimeSeconds) {
    throw new TokenError('INVALID', `the token lives longer than the ${maxLifetimeSeconds} s allowed`);
  }
}

function principalOf(kind: TokenKind, subject: string): Principal {
  switch (kind) {
    case 'user':
      if (!USER_SUBJECT.test(subject)) throw new TokenError('INVALID', 'the token subject is not a user id');
      return { kind, userId: subject };
    case 'service':
      if (!SERVICE_SUBJECT.test(subject))
        throw new TokenError('INVALID', 'the token subject is not a service name');
      return { kind, name: subject };
    case 'operator':
      if (!OPERATOR_SUBJECT.test(subject))
        throw new TokenError('INVALID', 'the token subject is not an operator name');
      return { kind, name: subject };
    default: {
      const unknown: never = kind;
      throw new Error(`unknown token kind ${String(unknown)}`);
    }
  }
}

function admit(principal: Principal, rule: AccessRule): Principal {
  if (principal.kind !== rule.kind) {
    throw new TokenError('FORBIDDEN', `${principal.kind} tokens cannot call this API`);
  }
  if (rule.kind === 'service' && principal.kind === 'service' && !rule.services.includes(principal.name)) {
    throw new TokenError('FORBIDDEN', `service ${principal.name} may not call this API`);
  }
  return principal;
}

function describe(error: unknown): string {
  if (error instanceof TokenError) return error.message;
  if (error instanceof errors.JOSEError) return error.code;
  return 'malformed token';
}

/** How long a service token this service signs for its calls lives; renewed well before it ends. */
export const SERVICE_TOKEN_LIFETIME_SECONDS = 5 * 60;

/**
 * Signs the service's own short-lived tokens for calling another service's internal API (subject =
 * this service's name). One token is reused until a minute before it expires.
 */
export class ServiceTokenSigner {
  private current: { token: string; renewAtMs: number } | undefined;

  private constructor(
    private readonly key: CryptoKey,
    private readonly claims: { subject: string; issuer: string; audience: string },
  ) {}

  static async create(options: {
    privateKeyPem: string;
    subject: string;
    issuer: string;
    audience: string;
  }): Promise<ServiceTokenSigner> {
    const { privateKeyPem, ...claims } = options;
    return new ServiceTokenSigner(await importPKCS8(privateKeyPem, TOKEN_ALGORITHM), claims);
  }

  async token(): Promise<string> {
    if (this.current && Date.now() < this.current.renewAtMs) return this.current.token;
    const issuedAt = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: TOKEN_ALGORITHM })
      .setSubject(this.claims.subject)
      .setIssuer(this.claims.issuer)
      .setAudience(this.claims.audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + SERVICE_TOKEN_LIFETIME_SECONDS)
      .sign(this.key);
    this.current = { token, renewAtMs: (issuedAt + SERVICE_TOKEN_LIFETIME_SECONDS - 60) * 1000 };
    return token;
  }
}
