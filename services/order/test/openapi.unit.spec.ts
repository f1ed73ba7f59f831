// The order service's OpenAPI document covers its API exactly: every route the /v1 and /ops routers
// answer (the development clock included) is declared in it and every declared route exists, so an
// undocumented route fails here.
import { expect } from 'chai';
import type { TokenVerifier } from '@dbay/platform';
import { routesOfRouter } from '@dbay/testing';
import type { OrderContext } from '../src/use-cases/context.js';
import { auctionRoutes } from '../src/entrypoints/http/auction-routes.js';
import { operatorRoutes } from '../src/entrypoints/http/operator-routes.js';
import { orderApiDoc } from '../src/entrypoints/http/openapi.js';
import { userRoutes } from '../src/entrypoints/http/user-routes.js';

describe('order OpenAPI document', () => {
  it('declares exactly the routes the /v1 and /ops routers answer', () => {
    // Building the routers reads only the settings; no handler runs.
    const ctx = { settings: { windows: {}, auctions: { ladder: [] } } } as unknown as OrderContext;
    const verifier = {} as TokenVerifier;
    const answered = [
      ...routesOfRouter(userRoutes(ctx, verifier), '/v1'),
      ...routesOfRouter(auctionRoutes(ctx, verifier), '/v1'),
      ...routesOfRouter(operatorRoutes(ctx, verifier, true), '/ops'),
    ];
    const declared = orderApiDoc()
      .routes()
      .map(({ method, path }) => `${method} ${path}`);
    expect(answered).to.have.length.greaterThan(15);
    expect([...declared].sort()).to.deep.equal([...answered].sort());
  });

  it('documents the 422 of a failed payment, which names the order', () => {
    const responses = (
      orderApiDoc().document().paths as Record<string, Record<string, { responses: object }>>
    )['/v1/orders']?.post?.responses;
    expect(responses).to.include.keys('201', '202', '422', '400', '401', '404', '409');
  });
});
