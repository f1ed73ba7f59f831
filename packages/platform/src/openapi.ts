// The OpenAPI 3.1 document of a service's HTTP API, built from the same zod schemas its routers parse
// with (@asteasolutions/zod-to-openapi does the zod -> JSON Schema work). A service declares each route
// next to its router (method, path as express spells it, summary, who may call it, the request's
// schemas, the success bodies and the error codes it may answer); `ApiDoc` adds what every route of
// the platform shares: the bearer token and its coded 401/403, the Idempotency-Key header, the coded
// 400 of a bad body, and `{ "error": { "code", "message" } }` for every error status. The skeleton
// serves the result at GET /openapi.json (`service.openapi(doc)`); `npm run openapi:generate` writes it
// to docs/openapi/<service>.json; the integration specs check real answers against it
// (@dbay/testing's expectMatchesOpenApi), and a unit spec per service checks that every route its
// routers answer is in it.
import { RATE_LIMITED_CODE } from './rate-limits.js';
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { Express } from 'express';
import { z } from 'zod';
import { IDEMPOTENCY_KEY_PATTERN } from './http-input.js';
import type { TokenProblem } from './tokens.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Who may call a route: nobody in particular, a user token (or, for `optional-user`, anyone, with a
 * signed-in reader seeing more), a service token, an operator token.
 */
export type RouteAuth = 'none' | 'optional-user' | 'user' | 'service' | 'operator';

/** The object schemas of path parameters, query strings and headers. */
type ObjectSchema = z.ZodObject;

export interface RouteResponse {
  description: string;
  /** The body's schema. Production never parses with it: it documents, and the specs check with it. */
  schema: z.ZodType;
}

export interface RouteDoc<Code extends string> {
  method: HttpMethod;
  /** As the router spells it, without the mount prefix: `/orders/:id/ship`. */
  path: string;
  summary: string;
  description?: string;
  auth: RouteAuth;
  /** The route reads an Idempotency-Key header (every POST of a command). */
  idempotencyKey?: boolean;
  /** The schemas the handler parses with; path parameters default to strings named by the path. */
  params?: ObjectSchema;
  query?: ObjectSchema;
  body?: z.ZodType;
  /** Answers other than the coded error body, by status (the successes, a 422 that names an order). */
  responses: Partial<Record<number, RouteResponse>>;
  /** The service's error codes this route answers beyond the shared ones (token, input, idempotency). */
  errors?: readonly Code[];
}

export interface ApiDocOptions<Code extends string> {
  title: string;
  version: string;
  description: string;
  /** The service's one error table: code -> status. */
  errorStatus: Readonly<Record<Code, number>>;
  /** The service's codes for the platform's token problems (what requireToken is given). */
  tokenCodes: Readonly<Record<TokenProblem, Code>>;
  /** Codes of a bad path parameter, query string or body (parseInput's codes). */
  inputCodes: readonly Code[];
  /** Codes of a missing, malformed or reused Idempotency-Key. */
  idempotencyCodes?: readonly Code[];
}

/** The platform's own answers to a body it could not read (http.ts's BODY_ERRORS), by status. */
const PLATFORM_BODY_ERRORS: Readonly<Record<string, number>> = {
  REQUEST_MALFORMED_JSON: 400,
  REQUEST_TOO_LARGE: 413,
};

const SECURITY_SCHEMES = {
  userToken: 'A user token (ES256 JWT) from the identity provider.',
  serviceToken: 'A service token (ES256 JWT): the caller service is named in `sub` and allow-listed.',
  operatorToken: 'An operator token (ES256 JWT): a person, recorded by name with what they decide.',
} as const;

const SECURITY: Record<RouteAuth, RouteConfig['security']> = {
  none: [],
  'optional-user': [{}, { userToken: [] }],
  user: [{ userToken: [] }],
  service: [{ serviceToken: [] }],
  operator: [{ operatorToken: [] }],
};

/** The error body of every service: one code of `codes`, a human message (more fields may follow). */
export function errorBodySchema(codes: readonly [string, ...string[]]) {
  return z.object({
    error: z.object({ code: z.enum(codes), message: z.string() }),
  });
}

/** `/orders/:id` -> `/orders/{id}`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function pathParameterNames(expressPath: string): string[] {
  return [...expressPath.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => match[1] ?? '');
}

/** One service's HTTP API: its routes as declared, and the OpenAPI 3.1 document they make. */
export class ApiDoc<Code extends string = string> {
  private readonly registry = new OpenAPIRegistry();
  private readonly declared: { method: HttpMethod; path: string }[] = [];
  private cached: Record<string, unknown> | undefined;

  constructor(private readonly options: ApiDocOptions<Code>) {
    for (const [name, description] of Object.entries(SECURITY_SCHEMES)) {
      this.registry.registerComponent('securitySchemes', name, {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description,
      });
    }
  }

  /** Declares the routes of a router mounted at `prefix` (as in `app.use(prefix, router)`). */
  mount(prefix: string, routes: readonly RouteDoc<Code>[]): this {
    if (this.cached) throw new Error('ApiDoc: routes are declared before the document is built');
    for (const route of routes) this.register(`${prefix}${route.path}`, route);
    return this;
  }

  /** Every declared route, express-style (`get /v1/orders/:id`), for the coverage specs. */
  routes(): readonly { method: HttpMethod; path: string }[] {
    return this.declared;
  }

  /** The OpenAPI 3.1 document (built once; a route that cannot be described throws here, at boot). */
  document(): Record<string, unknown> {
    this.cached ??= new OpenApiGeneratorV31(this.registry.definitions).generateDocument({
      openapi: '3.1.0',
      info: {
        title: this.options.title,
        version: this.options.version,
        description: this.options.description,
      },
    }) as unknown as Record<string, unknown>;
    return this.cached;
  }

  private register(path: string, route: RouteDoc<Code>): void {
    const duplicate = this.declared.some((other) => other.method === route.method && other.path === path);
    if (duplicate) throw new Error(`ApiDoc: ${route.method} ${path} is declared twice`);
    this.declared.push({ method: route.method, path });
    const params =
      route.params ??
      (pathParameterNames(path).length > 0
        ? z.object(Object.fromEntries(pathParameterNames(path).map((name) => [name, z.string()])))
        : undefined);
    this.registry.registerPath({
      method: route.method,
      path: openApiPath(path),
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      security: SECURITY[route.auth],
      request: {
        ...(params ? { params } : {}),
        ...(route.query ? { query: route.query } : {}),
        ...(route.idempotencyKey
          ? {
              headers: z.object({
                'Idempotency-Key': z.string().regex(IDEMPOTENCY_KEY_PATTERN).meta({
                  description: 'The same key answers the same request again, changing nothing.',
                }),
              }),
            }
          : {}),
        ...(route.body
          ? { body: { required: true, content: { 'application/json': { schema: route.body } } } }
          : {}),
      },
      responses: this.responses(route),
    });
  }

  private responses(route: RouteDoc<Code>): RouteConfig['responses'] {
    const codesByStatus = new Map<number, string[]>();
    const add = (code: string, status: number): void => {
      const codes = codesByStatus.get(status) ?? [];
      if (!codes.includes(code)) codes.push(code);
      codesByStatus.set(status, codes);
    };
    const { errorStatus, tokenCodes, inputCodes, idempotencyCodes = [] } = this.options;
    const own: Code[] = [...(route.errors ?? [])];
    if (route.auth === 'user' || route.auth === 'service' || route.auth === 'operator') {
      own.push(tokenCodes.UNAUTHENTICATED, tokenCodes.EXPIRED, tokenCodes.INVALID, tokenCodes.FORBIDDEN);
    }
    if (route.params || route.query || route.body || pathParameterNames(route.path).length > 0) {
      own.push(...inputCodes);
    }
    if (route.idempotencyKey) own.push(...idempotencyCodes);
    for (const code of own) add(code, errorStatus[code]);
    if (route.body) for (const [code, status] of Object.entries(PLATFORM_BODY_ERRORS)) add(code, status);
    // requireToken's budgets (rate-limits.ts): failed authentications per source, POSTs per caller.
    if (route.auth === 'user' || route.auth === 'service' || route.auth === 'operator')
      add(RATE_LIMITED_CODE, 429);

    const responses: RouteConfig['responses'] = {};
    for (const [status, answer] of Object.entries(route.responses)) {
      if (answer) responses[status] = json(answer.description, answer.schema);
    }
    for (const [status, codes] of [...codesByStatus].sort(([a], [b]) => a - b)) {
      const [first, ...rest] = codes;
      if (first === undefined) continue;
      const errorBody = errorBodySchema([first, ...rest]);
      const special = route.responses[status];
      responses[status] = special
        ? json(`${special.description}; or a coded error`, z.union([special.schema, errorBody]))
        : json(`Refused: ${codes.join(', ')}`, errorBody);
    }
    return responses;
  }
}

function json(description: string, schema: z.ZodType) {
  return { description, content: { 'application/json': { schema } } };
}

/** GET /openapi.json: the document, to anyone (it describes the API, it holds no data). */
export function serveOpenApi(app: Express, doc: Pick<ApiDoc, 'document'>): void {
  const document = doc.document();
  app.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
}
