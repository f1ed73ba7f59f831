// ApiDoc turns a service's route declarations into an OpenAPI 3.1 document: express paths become
// templates, the request schemas are the ones the handler parses with, every error status gets the
// coded error body with exactly the codes that status can carry on that route (its own, the token's,
// the input's, the Idempotency-Key's), and a route declared twice is refused.
import { expect } from 'chai';
import { z } from 'zod';
import { ApiDoc, dogeAmountField, openApiPath, type RouteDoc } from '../src/index.js';

type Code =
  'X_VALIDATION' | 'X_UNAUTHENTICATED' | 'X_EXPIRED' | 'X_INVALID' | 'X_FORBIDDEN' | 'X_KEY' | 'X_GONE';
const STATUS: Record<Code, number> = {
  X_VALIDATION: 400,
  X_KEY: 400,
  X_UNAUTHENTICATED: 401,
  X_EXPIRED: 401,
  X_INVALID: 401,
  X_FORBIDDEN: 403,
  X_GONE: 404,
};
const newDoc = () =>
  new ApiDoc<Code>({
    title: 't',
    version: '1',
    description: 'd',
    errorStatus: STATUS,
    tokenCodes: {
      UNAUTHENTICATED: 'X_UNAUTHENTICATED',
      EXPIRED: 'X_EXPIRED',
      INVALID: 'X_INVALID',
      FORBIDDEN: 'X_FORBIDDEN',
    },
    inputCodes: ['X_VALIDATION'],
    idempotencyCodes: ['X_KEY'],
  });
const buy: RouteDoc<Code> = {
  method: 'post',
  path: '/things/:id/buy',
  summary: 'buy',
  auth: 'user',
  idempotencyKey: true,
  body: z.object({ price: dogeAmountField }).strict(),
  responses: { 201: { description: 'ok', schema: z.object({ id: z.string() }) } },
  errors: ['X_GONE'],
};

type Operation = {
  security: unknown;
  parameters: { name: string; in: string }[];
  requestBody: {
    content: { 'application/json': { schema: { properties: Record<string, { type?: string }> } } };
  };
  responses: Record<
    string,
    {
      content: {
        'application/json': {
          schema: { properties: { error: { properties: { code: { enum: string[] } } } } };
        };
      };
    }
  >;
};

describe('ApiDoc (OpenAPI 3.1 from route declarations)', () => {
  it('spells express paths as OpenAPI templates', () => {
    expect(openApiPath('/v1/orders/:id/ship')).to.equal('/v1/orders/{id}/ship');
  });

  it('documents a route: path parameters, the Idempotency-Key, the body, and the codes per status', () => {
    const document = newDoc().mount('/v1', [buy]).document();
    expect(document.openapi).to.equal('3.1.0');
    const operation = (document.paths as Record<string, Record<string, Operation>>)['/v1/things/{id}/buy']!
      .post!;
    expect(operation.security).to.deep.equal([{ userToken: [] }]);
    expect(operation.parameters.map((p) => `${p.in}:${p.name}`)).to.have.members([
      'path:id',
      'header:Idempotency-Key',
    ]);
    expect(operation.requestBody.content['application/json'].schema.properties.price!.type).to.equal(
      'string',
    );
    const codes = (status: string) =>
      operation.responses[status]!.content['application/json'].schema.properties.error.properties.code.enum;
    expect(codes('400')).to.have.members(['X_VALIDATION', 'X_KEY', 'REQUEST_MALFORMED_JSON']);
    expect(codes('401')).to.have.members(['X_UNAUTHENTICATED', 'X_EXPIRED', 'X_INVALID']);
    expect(codes('403')).to.deep.equal(['X_FORBIDDEN']);
    expect(codes('404')).to.deep.equal(['X_GONE']);
    expect(codes('413')).to.deep.equal(['REQUEST_TOO_LARGE']);
    expect(codes('429')).to.deep.equal(['RATE_LIMITED']);
    expect(Object.keys(operation.responses)).to.have.members([
      '201',
      '400',
      '401',
      '403',
      '404',
      '413',
      '429',
    ]);
  });

  it('gives a public route no token codes and lists every declared route', () => {
    const doc = newDoc().mount('', [
      {
        method: 'get',
        path: '/open',
        summary: 'o',
        auth: 'none',
        responses: { 200: { description: 'ok', schema: z.object({}) } },
      },
    ]);
    expect(doc.routes()).to.deep.equal([{ method: 'get', path: '/open' }]);
    const operation = (doc.document().paths as Record<string, Record<string, Operation>>)['/open']!.get!;
    expect(Object.keys(operation.responses)).to.deep.equal(['200']);
  });

  it('refuses a route declared twice', () => {
    expect(() => newDoc().mount('/v1', [buy, buy])).to.throw(/declared twice/);
  });
});
