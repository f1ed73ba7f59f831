// The wallet's OpenAPI document covers its API exactly: every route the routers answer is declared in
// it and every declared route exists, so an undocumented route fails here; and its error bodies are
// coded per route (a code the route does not declare does not match).
import { expect } from 'chai';
import type { TokenVerifier } from '@dbay/platform';
import { expectMatchesOpenApi, routesOfRouter } from '@dbay/testing';
import type { UserRoutesDeps } from '../src/entrypoints/http/user-routes.js';
import { userRoutes } from '../src/entrypoints/http/user-routes.js';
import { internalRoutes } from '../src/entrypoints/http/internal-routes.js';
import { walletApiDoc } from '../src/entrypoints/http/openapi.js';

const stub = <T>(): T => ({}) as T;

describe('wallet OpenAPI document', () => {
  const doc = walletApiDoc();

  it('declares exactly the routes the /v1 and /internal routers answer', () => {
    const deps = stub<UserRoutesDeps>();
    const verifier = stub<TokenVerifier>();
    const answered = [
      ...routesOfRouter(userRoutes({ ...deps, verifier }), '/v1'),
      ...routesOfRouter(
        internalRoutes({
          executor: deps.executor,
          queries: deps.queries,
          verifier,
          callers: ['order'],
          commandCallers: [],
        }),
        '/internal',
      ),
    ];
    const declared = doc.routes().map(({ method, path }) => `${method} ${path}`);
    expect(answered).to.have.length.greaterThan(10);
    expect([...declared].sort()).to.deep.equal([...answered].sort());
  });

  it("accepts a route's declared error code and refuses one it does not declare", () => {
    const document = doc.document();
    const notFound = { error: { code: 'WALLET_WITHDRAWAL_NOT_FOUND', message: 'no such withdrawal' } };
    expectMatchesOpenApi(
      document,
      'GET',
      '/v1/withdrawals/5f0c6f5e-0000-4000-8000-000000000001',
      404,
      notFound,
    );
    expect(() => expectMatchesOpenApi(document, 'GET', '/v1/balance', 404, notFound)).to.throw(
      /does not match/,
    );
    expect(() => expectMatchesOpenApi(document, 'GET', '/v1/balance', 409, notFound)).to.throw(
      /does not list/,
    );
  });

  it('refuses a success body with a field the document does not show', () => {
    const balance = {
      userId: '5f0c6f5e-0000-4000-8000-000000000001',
      available: '1.00000000',
      locked: '0.00000000',
      pending: '0.00000000',
      total: '1.00000000',
      version: 3,
    };
    expectMatchesOpenApi(doc.document(), 'GET', '/v1/balance', 200, balance);
    expect(() =>
      expectMatchesOpenApi(doc.document(), 'GET', '/v1/balance', 200, { ...balance, secret: 'x' }),
    ).to.throw(/does not match/);
  });
});
