/**
 * Development user tokens: what an identity provider would issue, signed with the stack's user-token
 * private key (ES256), with the issuer and audience the wallet's and the order service's verifiers
 * expect. Exists only on a stack with the development login (config.ts).
 */
import { SignJWT, importPKCS8, type CryptoKey } from 'jose';
import { TOKEN_ALGORITHM } from '@dbay/platform';

/** One hour: well inside the platform's user-token maximum (a day); the page logs in again after. */
export const DEV_TOKEN_LIFETIME_SECONDS = 60 * 60;

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

export class DevTokenIssuer {
  private constructor(
    private readonly key: CryptoKey,
    private readonly claims: { issuer: string; audience: string },
  ) {}

  static async create(options: {
    privateKeyPem: string;
    issuer: string;
    audience: string;
  }): Promise<DevTokenIssuer> {
    const { privateKeyPem, ...claims } = options;
    return new DevTokenIssuer(await importPKCS8(privateKeyPem, TOKEN_ALGORITHM), claims);
  }

  async issue(userId: string, nowMs: number): Promise<IssuedToken> {
    const issuedAt = Math.floor(nowMs / 1000);
    const expiresAt = issuedAt + DEV_TOKEN_LIFETIME_SECONDS;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: TOKEN_ALGORITHM })
      .setSubject(userId)
      .setIssuer(this.claims.issuer)
      .setAudience(this.claims.audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(this.key);
    return { token, expiresAt: new Date(expiresAt * 1000) };
  }
}
