// Proves the one token verifier's policy: each kind of caller verifies with its own key, issuer and
// audience; a route admits only its kind (another kind is a 403, an unknown signer a 401) and, for
// services, only the names on its allow-list, which may not be empty; iat is required and may not lie in
// the future, and a token may not live longer than its kind allows.
import { expect } from 'chai';
import { SignJWT, exportSPKI, generateKeyPair, type CryptoKey } from 'jose';
import { TokenError, TokenVerifier, type AccessRule, type TokenKind } from '../src/index.js';

const USER_ID = '0b6f0c1e-6a4f-4c47-9c39-2f4d0f3a5e11';
const AUDIENCES = { user: 'dbay-wallet', service: 'dbay-wallet-internal', operator: 'dbay-ops' } as const;
const ISSUERS = { user: 'dbay-auth', service: 'dbay-services', operator: 'dbay-operators' } as const;

interface Mint {
  subject?: string;
  issuedAt?: number | null;
  lifetimeSeconds?: number;
  key?: CryptoKey;
}

describe('TokenVerifier', () => {
  const keys = {} as Record<TokenKind, CryptoKey>;
  let verifier: TokenVerifier;

  before(async () => {
    const trust: Parameters<typeof TokenVerifier.create>[0] = {};
    for (const kind of ['user', 'service', 'operator'] as const) {
      const pair = await generateKeyPair('ES256');
      keys[kind] = pair.privateKey;
      trust[kind] = {
        publicKeyPem: await exportSPKI(pair.publicKey),
        issuer: ISSUERS[kind],
        audience: AUDIENCES[kind],
      };
    }
    verifier = await TokenVerifier.create(trust);
  });

  const now = () => Math.floor(Date.now() / 1000);
  async function mint(kind: TokenKind, options: Mint = {}): Promise<string> {
    const issuedAt = options.issuedAt === undefined ? now() : options.issuedAt;
    const jwt = new SignJWT({})
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject(options.subject ?? (kind === 'user' ? USER_ID : 'order'))
      .setIssuer(ISSUERS[kind])
      .setAudience(AUDIENCES[kind])
      .setExpirationTime((issuedAt ?? now()) + (options.lifetimeSeconds ?? 300));
    if (issuedAt !== null) jwt.setIssuedAt(issuedAt);
    return `Bearer ${await jwt.sign(options.key ?? keys[kind])}`;
  }
  async function problemOf(header: string | undefined, rule: AccessRule): Promise<string> {
    try {
      await verifier.authenticate(header, rule);
    } catch (error) {
      if (error instanceof TokenError) return error.problem;
      throw error;
    }
    return 'ADMITTED';
  }

  it('admits each kind on its own routes, with its principal', async () => {
    expect(await verifier.authenticate(await mint('user'), { kind: 'user' })).to.deep.equal({
      kind: 'user',
      userId: USER_ID,
    });
    expect(
      await verifier.authenticate(await mint('service'), { kind: 'service', services: ['order'] }),
    ).to.deep.equal({ kind: 'service', name: 'order' });
    expect(
      await verifier.authenticate(await mint('operator', { subject: 'alice' }), { kind: 'operator' }),
    ).to.deep.equal({ kind: 'operator', name: 'alice' });
  });

  it('refuses another kind with 403 and an unknown signer or a missing token with 401', async () => {
    expect(await problemOf(await mint('service'), { kind: 'operator' })).to.equal('FORBIDDEN');
    expect(await problemOf(await mint('user'), { kind: 'service', services: ['order'] })).to.equal(
      'FORBIDDEN',
    );
    const stranger = (await generateKeyPair('ES256')).privateKey;
    expect(await problemOf(await mint('operator', { key: stranger }), { kind: 'operator' })).to.equal(
      'INVALID',
    );
    expect(await problemOf(undefined, { kind: 'user' })).to.equal('UNAUTHENTICATED');
    expect(await problemOf('Basic abc', { kind: 'user' })).to.equal('UNAUTHENTICATED');
  });

  it('admits a service only where its name is on the allow-list, which may not be empty', async () => {
    const reconciler = await mint('service', { subject: 'reconciler' });
    expect(await problemOf(reconciler, { kind: 'service', services: ['order'] })).to.equal('FORBIDDEN');
    expect(await problemOf(reconciler, { kind: 'service', services: ['order', 'reconciler'] })).to.equal(
      'ADMITTED',
    );
    let thrown: unknown;
    try {
      await verifier.authenticate(reconciler, { kind: 'service', services: [] });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.be.instanceOf(Error).and.not.instanceOf(TokenError);
  });

  it('refuses empty or malformed subjects', async () => {
    expect(await problemOf(await mint('operator', { subject: '' }), { kind: 'operator' })).to.equal(
      'INVALID',
    );
    expect(await problemOf(await mint('user', { subject: 'alice' }), { kind: 'user' })).to.equal('INVALID');
    expect(
      await problemOf(await mint('service', { subject: 'Order Service' }), {
        kind: 'service',
        services: ['order'],
      }),
    ).to.equal('INVALID');
  });

  it('requires iat, refuses one in the future, and refuses a lifetime beyond the kind maximum', async () => {
    expect(await problemOf(await mint('user', { issuedAt: null }), { kind: 'user' })).to.equal('INVALID');
    expect(await problemOf(await mint('user', { issuedAt: now() + 3600 }), { kind: 'user' })).to.equal(
      'INVALID',
    );
    const until2100 = Math.floor(Date.UTC(2100, 0, 1) / 1000) - now();
    expect(await problemOf(await mint('user', { lifetimeSeconds: until2100 }), { kind: 'user' })).to.equal(
      'INVALID',
    );
    expect(
      await problemOf(await mint('service', { lifetimeSeconds: 2 * 60 * 60 }), {
        kind: 'service',
        services: ['order'],
      }),
    ).to.equal('INVALID');
    expect(await problemOf(await mint('user', { lifetimeSeconds: 23 * 60 * 60 }), { kind: 'user' })).to.equal(
      'ADMITTED',
    );
  });

  it('says a token expired when it did', async () => {
    const expired = await mint('user', { issuedAt: now() - 600, lifetimeSeconds: 60 });
    expect(await problemOf(expired, { kind: 'user' })).to.equal('EXPIRED');
  });
});
