// Proves the user API of the running wallet (WALLET_URL, real Postgres, Redis and Kafka behind it) does
// what a user relies on: only a valid, unexpired token signed by the auth key gets in; a user sees and
// moves only their own money, whatever ids, fields or idempotency keys they send; every POST replays
// its first answer and refuses a reused key with another body; and bad amounts or addresses are a
// coded 4xx that changes nothing.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { SignJWT, generateKeyPair } from 'jose';
import { encodeAddress, networkByName } from '@dbay/dogecoin';
import {
  DOGE,
  NETWORK_FEE_KOINU,
  api,
  balanceOf,
  expectReconciled,
  fund,
  moneySnapshot,
  serviceToken,
  documentedApi,
  testExecutor,
  userToken,
  walletOpenApi,
  type ApiResponse,
  type TestExecutor,
} from './support/stack.js';
import type { OpenApiDocument } from '@dbay/testing';

/** m/44'/3'/0'/0/0 of the BIP39 test mnemonic on regtest: a valid destination for the running wallet. */
// Every withdrawal this spec creates is 1000 DOGE or more: the stack's withdrawal saga holds those for
// review (FRAUD_SINGLE_AMOUNT_HOLD_KOINU), so it neither pays them from the shared regtest hot wallet
// nor finalizes them while this spec is looking at their pending balance.
const REGTEST_ADDRESS = 'mnHioPj6vMDGiSUKsXWdX9GEPHoeapF8oi';
const MAINNET_ADDRESS = encodeAddress('p2pkh', new Uint8Array(20).fill(7), networkByName('mainnet'));

function expectError(response: ApiResponse, status: number, code: string): void {
  expect(response.status, response.text).to.equal(status);
  expect(response.body.error?.code, response.text).to.equal(code);
  expect(response.body.error?.message).to.be.a('string').and.not.equal('');
}

describe('wallet user API (running service)', function () {
  this.timeout(60_000);
  let funder: TestExecutor;
  const alice = randomUUID();
  const bob = randomUUID();
  let aliceToken: string;
  let bobToken: string;

  before(async () => {
    funder = testExecutor({ poolMax: 2 });
    await fund(funder, alice, 100_000n * DOGE);
    await fund(funder, bob, 1_005n * DOGE);
    aliceToken = await userToken(alice);
    bobToken = await userToken(bob);
  });
  after(async () => {
    await expectReconciled(funder.knex, [alice, bob]);
    await funder.close();
  });

  const unchanged = async <T>(action: () => Promise<T>): Promise<T> => {
    const before = await moneySnapshot(funder.knex, [alice, bob]);
    const result = await action();
    expect(await moneySnapshot(funder.knex, [alice, bob])).to.deep.equal(before);
    return result;
  };

  describe('authentication (jose, ES256 user tokens)', () => {
    const routes: [string, string][] = [
      ['GET', '/v1/balance'],
      ['GET', '/v1/ledger'],
      ['GET', '/v1/withdrawals'],
      ['GET', `/v1/withdrawals/${randomUUID()}`],
      ['GET', '/v1/deposits'],
      ['GET', '/v1/deposit-address'],
      ['POST', '/v1/deposit-address'],
      ['POST', '/v1/withdrawals'],
    ];

    for (const [method, route] of routes) {
      it(`${method} ${route.replace(/[0-9a-f-]{36}/, ':id')} without a token: 401 WALLET_UNAUTHENTICATED`, async () => {
        const response = await unchanged(() =>
          api(method, route, {
            idempotencyKey: randomUUID(),
            body: method === 'POST' ? { destinationAddress: REGTEST_ADDRESS, amount: '2' } : undefined,
          }),
        );
        expectError(response, 401, 'WALLET_UNAUTHENTICATED');
      });
    }

    it('a scheme other than Bearer: 401 WALLET_UNAUTHENTICATED', async () => {
      expectError(
        await api('GET', '/v1/balance', { headers: { authorization: `Basic ${aliceToken}` } }),
        401,
        'WALLET_UNAUTHENTICATED',
      );
    });

    it('a token signed by another key (forged): 401 WALLET_TOKEN_INVALID, and no money moves', async () => {
      const { privateKey } = await generateKeyPair('ES256');
      const forged = await new SignJWT({})
        .setProtectedHeader({ alg: 'ES256' })
        .setSubject(alice)
        .setIssuer('dbay-auth')
        .setAudience('dbay-wallet')
        .setExpirationTime('10m')
        .sign(privateKey);
      expectError(await api('GET', '/v1/balance', { token: forged }), 401, 'WALLET_TOKEN_INVALID');
      const response = await unchanged(() =>
        api('POST', '/v1/withdrawals', {
          token: forged,
          idempotencyKey: randomUUID(),
          body: { destinationAddress: REGTEST_ADDRESS, amount: '10' },
        }),
      );
      expectError(response, 401, 'WALLET_TOKEN_INVALID');
    });

    it("bob's real token with its subject rewritten to alice (signature no longer matches): 401", async () => {
      const [header, , signature] = bobToken.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(bobToken.split('.')[1]!, 'base64url').toString('utf8')) as Record<
        string,
        unknown
      >;
      const payload = Buffer.from(JSON.stringify({ ...claims, sub: alice })).toString('base64url');
      const response = await unchanged(() =>
        api('POST', '/v1/withdrawals', {
          token: `${header}.${payload}.${signature}`,
          idempotencyKey: randomUUID(),
          body: { destinationAddress: REGTEST_ADDRESS, amount: '10' },
        }),
      );
      expectError(response, 401, 'WALLET_TOKEN_INVALID');
    });

    it('an unsigned token (alg "none") and an HS256 token keyed with the public key: 401', async () => {
      const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const claims = {
        sub: alice,
        iss: 'dbay-auth',
        aud: 'dbay-wallet',
        exp: Math.floor(Date.now() / 1000) + 600,
      };
      const none = `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`;
      expectError(await api('GET', '/v1/balance', { token: none }), 401, 'WALLET_TOKEN_INVALID');
      const hs256 = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .sign(new TextEncoder().encode('-----BEGIN PUBLIC KEY-----'));
      expectError(await api('GET', '/v1/balance', { token: hs256 }), 401, 'WALLET_TOKEN_INVALID');
    });

    it('an expired token: 401 WALLET_TOKEN_EXPIRED', async () => {
      const expired = await userToken(alice, { expiresIn: Math.floor(Date.now() / 1000) - 60 });
      expectError(await api('GET', '/v1/balance', { token: expired }), 401, 'WALLET_TOKEN_EXPIRED');
    });

    it('a token without exp, of another issuer or audience, or whose subject is not a user id: 401', async () => {
      for (const token of [
        await userToken(alice, { expiresIn: null }),
        await userToken(alice, { issuer: 'someone-else' }),
        await userToken(alice, { audience: 'dbay-order' }),
        await userToken('not-a-uuid'),
      ]) {
        expectError(await api('GET', '/v1/balance', { token }), 401, 'WALLET_TOKEN_INVALID');
      }
    });

    it('a service token on the user API: 403 WALLET_FORBIDDEN', async () => {
      expectError(
        await api('GET', '/v1/balance', { token: await serviceToken('order') }),
        403,
        'WALLET_FORBIDDEN',
      );
    });
  });

  describe('a user only ever reads and moves their own money', () => {
    let aliceWithdrawalId: string;
    const sharedKey = `shared-${randomUUID()}`;

    before(async () => {
      const response = await api('POST', '/v1/withdrawals', {
        token: aliceToken,
        idempotencyKey: sharedKey,
        body: { destinationAddress: REGTEST_ADDRESS, amount: '1500' },
      });
      expect(response.status, response.text).to.equal(201);
      aliceWithdrawalId = response.body.withdrawalId as string;
    });

    it('balance: each token sees its own wallet, and a userId in the query changes nothing', async () => {
      const own = await api('GET', `/v1/balance?userId=${alice}`, { token: bobToken });
      expect(own.status).to.equal(200);
      expect(own.body).to.include({
        userId: bob,
        available: '1005.00000000',
        locked: '0.00000000',
        pending: '0.00000000',
      });
      const hers = await api('GET', '/v1/balance', { token: aliceToken });
      expect(hers.body).to.include({ userId: alice, available: '98499.00000000', pending: '1501.00000000' });
    });

    it("withdrawals: bob gets 404 for alice's withdrawal id and does not see it listed", async () => {
      expectError(
        await api('GET', `/v1/withdrawals/${aliceWithdrawalId}`, { token: bobToken }),
        404,
        'WALLET_WITHDRAWAL_NOT_FOUND',
      );
      const list = await api('GET', '/v1/withdrawals', { token: bobToken });
      expect(list.body.withdrawals).to.deep.equal([]);
      const hers = await api('GET', `/v1/withdrawals/${aliceWithdrawalId}`, { token: aliceToken });
      expect(hers.body).to.include({
        withdrawalId: aliceWithdrawalId,
        amount: '1500.00000000',
        status: 'REQUESTED',
      });
    });

    it("ledger: bob's history holds only bob's entries; a userId parameter is refused", async () => {
      const ledger = await api('GET', '/v1/ledger', { token: bobToken });
      expect(ledger.status).to.equal(200);
      const entries = ledger.body.entries as { referenceId: string; entryType: string }[];
      expect(entries.map((e) => e.entryType)).to.deep.equal(['DEPOSIT']);
      expect(entries.map((e) => e.referenceId)).to.not.include(aliceWithdrawalId);
      expectError(
        await api('GET', `/v1/ledger?userId=${alice}`, { token: bobToken }),
        400,
        'WALLET_VALIDATION_FAILED',
      );
      const hers = await api('GET', '/v1/ledger', { token: aliceToken });
      expect((hers.body.entries as { referenceId: string }[]).map((e) => e.referenceId)).to.include(
        aliceWithdrawalId,
      );
    });

    it("deposits: bob does not see alice's deposit", async () => {
      const aliceDeposits = (await api('GET', '/v1/deposits', { token: aliceToken })).body.deposits as {
        txid: string;
      }[];
      const bobDeposits = (await api('GET', '/v1/deposits', { token: bobToken })).body.deposits as {
        txid: string;
      }[];
      expect(aliceDeposits).to.have.length(1);
      expect(bobDeposits).to.have.length(1);
      expect(bobDeposits[0]!.txid).to.not.equal(aliceDeposits[0]!.txid);
    });

    it('deposit address: each user is assigned their own, and asking again returns the same one', async () => {
      // Users with no address yet (funding assigns alice's and bob's), so the first call assigns one.
      const [carolToken, daveToken] = await Promise.all([userToken(randomUUID()), userToken(randomUUID())]);
      expectError(
        await api('GET', '/v1/deposit-address', { token: carolToken }),
        404,
        'WALLET_DEPOSIT_ADDRESS_NOT_ASSIGNED',
      );
      const assign = (token: string) =>
        api('POST', '/v1/deposit-address', { token, idempotencyKey: randomUUID(), body: {} });
      const first = await assign(carolToken);
      expect(first.status, first.text).to.equal(200);
      const theirs = await assign(daveToken);
      expect(theirs.status, theirs.text).to.equal(200);
      expect(theirs.body.address).to.not.equal(first.body.address);
      expect((await assign(carolToken)).body).to.deep.equal(first.body);
      expect((await api('GET', '/v1/deposit-address', { token: daveToken })).body).to.deep.equal(theirs.body);
      expectError(
        await api('POST', '/v1/deposit-address', {
          token: daveToken,
          idempotencyKey: randomUUID(),
          body: { userId: alice },
        }),
        400,
        'WALLET_VALIDATION_FAILED',
      );
    });

    it("a withdrawal body naming alice as the user is refused, and alice's money stays put", async () => {
      const response = await unchanged(() =>
        api('POST', '/v1/withdrawals', {
          token: bobToken,
          idempotencyKey: randomUUID(),
          body: { destinationAddress: REGTEST_ADDRESS, amount: '10', userId: alice },
        }),
      );
      expectError(response, 400, 'WALLET_VALIDATION_FAILED');
    });

    it("bob reusing alice's Idempotency-Key gets his own answer, never alice's withdrawal", async () => {
      const response = await api('POST', '/v1/withdrawals', {
        token: bobToken,
        idempotencyKey: sharedKey,
        body: { destinationAddress: REGTEST_ADDRESS, amount: '1500' },
      });
      // Bob has 1005 DOGE: his own command runs and is refused, instead of replaying alice's 201.
      expectError(response, 422, 'WALLET_INSUFFICIENT_FUNDS');
      expect(response.text).to.not.include(aliceWithdrawalId);
      expect(await balanceOf(funder.knex, alice)).to.include({
        available: 98_499n * DOGE,
        pending: 1_501n * DOGE,
      });
    });

    it("the internal API refuses user tokens, so bob cannot pay with alice's money there", async () => {
      const payOrder = await unchanged(() =>
        api('POST', '/internal/pay-order', {
          token: bobToken,
          idempotencyKey: randomUUID(),
          body: {
            orderId: randomUUID(),
            buyerId: alice,
            sellerId: bob,
            amountKoinu: String(10n * DOGE),
            feeKoinu: '0',
          },
        }),
      );
      expectError(payOrder, 403, 'WALLET_FORBIDDEN');
      expectError(
        await api('GET', `/internal/wallets/${alice}/balance`, { token: bobToken }),
        403,
        'WALLET_FORBIDDEN',
      );
      expectError(
        await api('POST', '/internal/bid-lock', {
          token: aliceToken,
          idempotencyKey: randomUUID(),
          body: { auctionId: randomUUID(), userId: alice, amountKoinu: '1' },
        }),
        403,
        'WALLET_FORBIDDEN',
      );
    });
  });

  describe('Idempotency-Key on every POST', () => {
    const body = { destinationAddress: REGTEST_ADDRESS, amount: '1500.5' };

    it('is required and must be well formed; without one nothing happens', async () => {
      expectError(
        await unchanged(() => api('POST', '/v1/withdrawals', { token: aliceToken, body })),
        400,
        'WALLET_IDEMPOTENCY_KEY_MISSING',
      );
      expectError(
        await unchanged(() =>
          api('POST', '/v1/withdrawals', { token: aliceToken, body, idempotencyKey: 'has spaces' }),
        ),
        400,
        'WALLET_IDEMPOTENCY_KEY_INVALID',
      );
      expectError(
        await api('POST', '/v1/deposit-address', { token: aliceToken, body: {} }),
        400,
        'WALLET_IDEMPOTENCY_KEY_MISSING',
      );
    });

    it('a replay answers exactly like the first time and moves the money once', async () => {
      const key = randomUUID();
      const before = (await balanceOf(funder.knex, alice))!;
      const first = await api('POST', '/v1/withdrawals', { token: aliceToken, idempotencyKey: key, body });
      expect(first.status, first.text).to.equal(201);
      // The same amount written differently is the same request.
      const second = await api('POST', '/v1/withdrawals', {
        token: aliceToken,
        idempotencyKey: key,
        body: { ...body, amount: '1500.50000000' },
      });
      expect(second.status).to.equal(201);
      expect(second.body).to.deep.equal(first.body);
      expect(second.headers.get('idempotent-replayed')).to.equal('true');
      const moved = 150_050_000_000n + NETWORK_FEE_KOINU;
      expect(await balanceOf(funder.knex, alice)).to.include({
        available: before.available - moved,
        pending: before.pending + moved,
        version: before.version + 1,
      });
    });

    it('twenty concurrent sends of one key: one withdrawal, twenty identical answers', async () => {
      const key = randomUUID();
      const before = (await balanceOf(funder.knex, alice))!;
      const responses = await Promise.all(
        Array.from({ length: 20 }, () =>
          api('POST', '/v1/withdrawals', { token: aliceToken, idempotencyKey: key, body }),
        ),
      );
      expect(new Set(responses.map((r) => `${r.status} ${r.text}`)).size).to.equal(1);
      expect(responses[0]!.status).to.equal(201);
      expect((await balanceOf(funder.knex, alice))!.version).to.equal(before.version + 1);
    });

    it('the same key with another body: 409 WALLET_IDEMPOTENCY_KEY_REUSED, nothing changes', async () => {
      const key = randomUUID();
      expect(
        (await api('POST', '/v1/withdrawals', { token: aliceToken, idempotencyKey: key, body })).status,
      ).to.equal(201);
      const response = await unchanged(() =>
        api('POST', '/v1/withdrawals', {
          token: aliceToken,
          idempotencyKey: key,
          body: { ...body, amount: '1600' },
        }),
      );
      expectError(response, 409, 'WALLET_IDEMPOTENCY_KEY_REUSED');
    });

    it('a refused command replays its refusal, even after the money arrived; a new key runs anew', async () => {
      const carol = randomUUID();
      await fund(funder, carol, DOGE);
      const carolToken = await userToken(carol);
      const key = randomUUID();
      const send = (idempotencyKey: string) =>
        api('POST', '/v1/withdrawals', {
          token: carolToken,
          idempotencyKey,
          body: { destinationAddress: REGTEST_ADDRESS, amount: '1500' },
        });
      expectError(await send(key), 422, 'WALLET_INSUFFICIENT_FUNDS');
      await fund(funder, carol, 2_000n * DOGE);
      const replay = await send(key);
      expectError(replay, 422, 'WALLET_INSUFFICIENT_FUNDS');
      expect(replay.headers.get('idempotent-replayed')).to.equal('true');
      expect((await send(randomUUID())).status).to.equal(201);
      await expectReconciled(funder.knex, [carol]);
    });
  });

  describe('bad input is a coded 4xx and nothing changes', () => {
    const amounts: [string, unknown][] = [
      ['negative', '-5'],
      ['zero', '0'],
      ['zero with decimals', '0.00000000'],
      ['more than 8 decimals', '1.123456789'],
      ['an exponent', '1e3'],
      ['an exponent, upper case', '5E1'],
      ['a JSON number', 5],
      ['a JSON float', 2.5],
      ['absurdly large', '99999999999999999999'],
      ['beyond the 10 billion DOGE limit', '10000000000.00000001'],
      ['hexadecimal', '0x10'],
      ['whitespace', ' 5'],
      ['a trailing dot', '5.'],
      ['a plus sign', '+5'],
      ['empty', ''],
      ['NaN', 'NaN'],
      ['Infinity', 'Infinity'],
      ['null', null],
      ['an array', ['5']],
      ['an object', { value: '5' }],
      ['a boolean', true],
    ];
    for (const [name, amount] of amounts) {
      it(`amount ${name}: 400 WALLET_AMOUNT_INVALID`, async () => {
        const response = await unchanged(() =>
          api('POST', '/v1/withdrawals', {
            token: aliceToken,
            idempotencyKey: randomUUID(),
            body: { destinationAddress: REGTEST_ADDRESS, amount },
          }),
        );
        expectError(response, 400, 'WALLET_AMOUNT_INVALID');
      });
    }

    it('amount missing: 400 WALLET_AMOUNT_INVALID', async () => {
      const response = await unchanged(() =>
        api('POST', '/v1/withdrawals', {
          token: aliceToken,
          idempotencyKey: randomUUID(),
          body: { destinationAddress: REGTEST_ADDRESS },
        }),
      );
      expectError(response, 400, 'WALLET_AMOUNT_INVALID');
    });

    const addresses: [string, unknown, string][] = [
      ['a mainnet address on regtest', MAINNET_ADDRESS, 'WITHDRAWAL_ADDRESS_INVALID'],
      [
        'a broken checksum',
        `${REGTEST_ADDRESS.slice(0, -1)}${REGTEST_ADDRESS.endsWith('i') ? 'j' : 'i'}`,
        'WITHDRAWAL_ADDRESS_INVALID',
      ],
      ['garbage', 'not-an-address', 'WITHDRAWAL_ADDRESS_INVALID'],
      ['a bech32 string', 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', 'WITHDRAWAL_ADDRESS_INVALID'],
      ['empty', '', 'WITHDRAWAL_ADDRESS_INVALID'],
      ['too long', 'm'.repeat(101), 'WALLET_VALIDATION_FAILED'],
      ['a number', 12345, 'WALLET_VALIDATION_FAILED'],
      ['missing', undefined, 'WALLET_VALIDATION_FAILED'],
    ];
    for (const [name, destinationAddress, code] of addresses) {
      it(`destination ${name}: 400 ${code}`, async () => {
        const response = await unchanged(() =>
          api('POST', '/v1/withdrawals', {
            token: aliceToken,
            idempotencyKey: randomUUID(),
            body: { destinationAddress, amount: '2' },
          }),
        );
        expectError(response, 400, code);
      });
    }

    it('malformed JSON and unknown fields: 400', async () => {
      const malformed = await unchanged(() =>
        api('POST', '/v1/withdrawals', {
          token: aliceToken,
          idempotencyKey: randomUUID(),
          rawBody: '{"amount": "2",',
        }),
      );
      expect(malformed.status, malformed.text).to.equal(400);
      expect(malformed.body.error?.code).to.be.a('string');
      expectError(
        await unchanged(() =>
          api('POST', '/v1/withdrawals', {
            token: aliceToken,
            idempotencyKey: randomUUID(),
            body: { destinationAddress: REGTEST_ADDRESS, amount: '2', networkFee: '0' },
          }),
        ),
        400,
        'WALLET_VALIDATION_FAILED',
      );
    });

    it('below the minimum withdrawal: 422; more than available once the network fee is added: 422', async () => {
      // The policy the withdraw form shows before confirming is the one these refusals come from.
      const policy = await documentedApi(await walletOpenApi(), 'GET', '/v1/withdrawal-policy', {
        token: bobToken,
      });
      expect(policy.status, policy.text).to.equal(200);
      expect(policy.body).to.deep.equal({ networkFee: '1.00000000', minimum: '1.00000000', maximum: null });
      expectError(
        await unchanged(() =>
          api('POST', '/v1/withdrawals', {
            token: bobToken,
            idempotencyKey: randomUUID(),
            body: { destinationAddress: REGTEST_ADDRESS, amount: '0.5' },
          }),
        ),
        422,
        'WALLET_WITHDRAWAL_BELOW_MINIMUM',
      );
      // Bob has exactly 1005 DOGE: 1005 plus the 1 DOGE network fee is too much, 1004 is exactly enough.
      expectError(
        await unchanged(() =>
          api('POST', '/v1/withdrawals', {
            token: bobToken,
            idempotencyKey: randomUUID(),
            body: { destinationAddress: REGTEST_ADDRESS, amount: '1005' },
          }),
        ),
        422,
        'WALLET_INSUFFICIENT_FUNDS',
      );
      const exact = await api('POST', '/v1/withdrawals', {
        token: bobToken,
        idempotencyKey: randomUUID(),
        body: { destinationAddress: REGTEST_ADDRESS, amount: '1004' },
      });
      expect(exact.status, exact.text).to.equal(201);
      expect(await balanceOf(funder.knex, bob)).to.include({ available: 0n, pending: 1_005n * DOGE });
    });

    it('pages through every withdrawal, newest first, each once, with the cursor each page gives', async () => {
      for (let n = 0; n < 3; n += 1) {
        const made = await api('POST', '/v1/withdrawals', {
          token: aliceToken,
          idempotencyKey: randomUUID(),
          body: { destinationAddress: REGTEST_ADDRESS, amount: '2' },
        });
        expect(made.status, made.text).to.equal(201);
      }
      const all = await api('GET', '/v1/withdrawals?limit=100', { token: aliceToken });
      const newestFirst = (all.body.withdrawals as { withdrawalId: string }[]).map((w) => w.withdrawalId);
      expect(newestFirst.length).to.be.at.least(3);
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await api('GET', `/v1/withdrawals?limit=2${cursor ? `&before=${cursor}` : ''}`, {
          token: aliceToken,
        });
        expect(page.status, page.text).to.equal(200);
        const ids = (page.body.withdrawals as { withdrawalId: string }[]).map((w) => w.withdrawalId);
        paged.push(...ids);
        cursor = page.body.nextCursor as string | null;
        if (cursor !== null) expect(cursor).to.equal(ids.at(-1));
      } while (cursor !== null);
      expect(paged).to.deep.equal(newestFirst);
      // Bob cannot page with alice's cursor: it is not one of his withdrawals, so his page is empty.
      const stranger = await api('GET', `/v1/withdrawals?before=${newestFirst[0]}`, { token: bobToken });
      expect(stranger.body).to.deep.equal({ withdrawals: [], nextCursor: null });
      expectError(
        await api('GET', '/v1/withdrawals?before=42', { token: aliceToken }),
        400,
        'WALLET_VALIDATION_FAILED',
      );
    });

    it('a malformed withdrawal id or page size: 400, never a 500', async () => {
      expectError(
        await api('GET', '/v1/withdrawals/not-a-uuid', { token: aliceToken }),
        400,
        'WALLET_VALIDATION_FAILED',
      );
      expectError(
        await api('GET', '/v1/ledger?limit=100000', { token: aliceToken }),
        400,
        'WALLET_VALIDATION_FAILED',
      );
      expectError(
        await api('GET', '/v1/ledger?before=abc', { token: aliceToken }),
        400,
        'WALLET_VALIDATION_FAILED',
      );
    });
  });
  describe('answers match the OpenAPI document the wallet serves at /openapi.json', () => {
    let doc: OpenApiDocument;
    let noWalletToken: string;
    before(async () => {
      doc = await walletOpenApi();
      // A user who never asked for anything: no wallet, no address.
      noWalletToken = await userToken(randomUUID());
    });

    it('serves an OpenAPI 3.1 document without a token', () => {
      expect(doc.openapi).to.equal('3.1.0');
      expect(doc.paths).to.include.keys(
        '/v1/balance',
        '/v1/withdrawals/{withdrawalId}',
        '/internal/pay-order',
      );
    });

    it('balance, ledger, deposits: the success bodies and a coded refusal of each', async () => {
      expect((await documentedApi(doc, 'GET', '/v1/balance', { token: aliceToken })).status).to.equal(200);
      expect((await documentedApi(doc, 'GET', '/v1/balance', { token: noWalletToken })).status).to.equal(404);
      expect((await documentedApi(doc, 'GET', '/v1/ledger?limit=5', { token: aliceToken })).status).to.equal(
        200,
      );
      expect((await documentedApi(doc, 'GET', '/v1/ledger?limit=0', { token: aliceToken })).status).to.equal(
        400,
      );
      expect((await documentedApi(doc, 'GET', '/v1/deposits', { token: aliceToken })).status).to.equal(200);
      expect((await documentedApi(doc, 'GET', '/v1/deposits')).status).to.equal(401);
    });

    it('withdrawals: request, list, read, and their refusals', async () => {
      const created = await documentedApi(doc, 'POST', '/v1/withdrawals', {
        token: aliceToken,
        idempotencyKey: randomUUID(),
        body: { destinationAddress: REGTEST_ADDRESS, amount: '1000' },
      });
      expect(created.status, created.text).to.equal(201);
      const withdrawalId = created.body.withdrawalId as string;
      const missingKey = await documentedApi(doc, 'POST', '/v1/withdrawals', {
        token: aliceToken,
        body: { destinationAddress: REGTEST_ADDRESS, amount: '1000' },
      });
      expect(missingKey.status).to.equal(400);
      const tooMuch = await documentedApi(doc, 'POST', '/v1/withdrawals', {
        token: bobToken,
        idempotencyKey: randomUUID(),
        body: { destinationAddress: REGTEST_ADDRESS, amount: '1000000' },
      });
      expect(tooMuch.status).to.equal(422);
      expect((await documentedApi(doc, 'GET', '/v1/withdrawals', { token: aliceToken })).status).to.equal(
        200,
      );
      expect((await documentedApi(doc, 'GET', '/v1/withdrawals', { token: 'nope' })).status).to.equal(401);
      const read = await documentedApi(doc, 'GET', `/v1/withdrawals/${withdrawalId}`, { token: aliceToken });
      expect(read.status).to.equal(200);
      const notBobs = await documentedApi(doc, 'GET', `/v1/withdrawals/${withdrawalId}`, { token: bobToken });
      expect(notBobs.status).to.equal(404);
    });

    it('deposit address: assign, read, and their refusals', async () => {
      const assigned = await documentedApi(doc, 'POST', '/v1/deposit-address', {
        token: aliceToken,
        idempotencyKey: randomUUID(),
        body: {},
      });
      expect(assigned.status, assigned.text).to.equal(200);
      const unknownField = await documentedApi(doc, 'POST', '/v1/deposit-address', {
        token: aliceToken,
        idempotencyKey: randomUUID(),
        body: { userId: bob },
      });
      expect(unknownField.status).to.equal(400);
      expect((await documentedApi(doc, 'GET', '/v1/deposit-address', { token: aliceToken })).status).to.equal(
        200,
      );
      const none = await documentedApi(doc, 'GET', '/v1/deposit-address', { token: noWalletToken });
      expect(none.status).to.equal(404);
    });
  });
});
