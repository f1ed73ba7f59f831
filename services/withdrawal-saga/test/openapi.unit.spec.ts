// The review API's OpenAPI document covers it exactly: every route the review router answers is
// declared in it and every declared route exists, so an undocumented route fails here.
import { expect } from 'chai';
import { routesOfRouter } from '@dbay/testing';
import type { SagaContext } from '../src/use-cases/ports.js';
import { reviewApiDoc, reviewRouter } from '../src/entrypoints/http/review-router.js';

describe('withdrawal-saga review API OpenAPI document', () => {
  it('declares exactly the routes the review router answers', () => {
    const answered = routesOfRouter(reviewRouter({} as SagaContext));
    const declared = reviewApiDoc()
      .routes()
      .map(({ method, path }) => `${method} ${path}`);
    expect(answered).to.have.length(7);
    expect([...declared].sort()).to.deep.equal([...answered].sort());
  });
});
