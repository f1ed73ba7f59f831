/**
 * Checks real HTTP answers against a service's OpenAPI 3.1 document, and a service's routers against
 * the routes its document declares: so the document cannot drift from what the API really does.
 *
 * - fetchOpenApi(baseUrl): the document the running service serves at GET /openapi.json.
 * - expectMatchesOpenApi(doc, method, path, status, body): the status is documented for that operation
 *   and the body validates against its schema (JSON Schema 2020-12, ajv with its formats).
 * - routesOfRouter(router, prefix): every `method path` an express router answers, for the coverage specs.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Router } from 'express';

// ajv-formats is CommonJS: under ESM its function is the default export's default.
const addFormats = (addFormatsModule as unknown as { default: typeof addFormatsModule }).default;

export type OpenApiDocument = Record<string, unknown>;

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const compiled = new WeakMap<object, ValidateFunction>();

export async function fetchOpenApi(baseUrl: string): Promise<OpenApiDocument> {
  const response = await fetch(`${baseUrl}/openapi.json`);
  if (response.status !== 200) throw new Error(`GET ${baseUrl}/openapi.json answered ${response.status}`);
  return (await response.json()) as OpenApiDocument;
}

/** The document's path template that a concrete path (`/v1/orders/1b2c...`, a query string allowed) is. */
function templateOf(doc: OpenApiDocument, method: string, path: string): string {
  const bare = path.split('?')[0] ?? path;
  const paths = (doc.paths ?? {}) as Record<string, Record<string, unknown>>;
  const candidates = Object.keys(paths).filter((template) => {
    if (!paths[template]?.[method]) return false;
    const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^/}]+\}/g, '[^/]+');
    return new RegExp(`^${pattern}$`).test(bare);
  });
  // A literal segment beats a parameter (`/v1/x/mine` over `/v1/x/{id}`): fewest parameters first.
  candidates.sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0));
  const found = candidates[0];
  if (!found) throw new Error(`the OpenAPI document has no operation ${method.toUpperCase()} ${bare}`);
  return found;
}

function validatorOf(doc: OpenApiDocument, schema: object): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    // The document's components ride along, so a $ref into #/components resolves.
    validate = ajv.compile({ ...schema, components: doc.components ?? {} });
    compiled.set(schema, validate);
  }
  return validate;
}

/**
 * Throws (failing the spec) unless `status` is a documented answer of `method path` and `body` fits
 * that answer's schema. `path` is the concrete path the spec requested.
 */
export function expectMatchesOpenApi(
  doc: OpenApiDocument,
  method: string,
  path: string,
  status: number,
  body: unknown,
): void {
  const verb = method.toLowerCase();
  const template = templateOf(doc, verb, path);
  const operation = (doc.paths as Record<string, Record<string, Operation>>)[template]?.[verb];
  const answer = operation?.responses?.[String(status)];
  if (!answer) {
    const documented = Object.keys(operation?.responses ?? {}).join(', ');
    throw new Error(
      `${verb.toUpperCase()} ${template} answered ${status}, which its OpenAPI document does not list ` +
        `(documented: ${documented}); body: ${JSON.stringify(body)}`,
    );
  }
  const schema = answer.content?.['application/json']?.schema;
  if (typeof schema !== 'object' || schema === null) {
    throw new Error(`${verb.toUpperCase()} ${template} ${status} has no application/json schema`);
  }
  const validate = validatorOf(doc, schema);
  if (!validate(body)) {
    throw new Error(
      `${verb.toUpperCase()} ${template} ${status}: the body does not match the OpenAPI document: ` +
        `${ajv.errorsText(validate.errors)}; body: ${JSON.stringify(body)}`,
    );
  }
}

interface RouterLayer {
  route?: { path: unknown; methods: Record<string, boolean> };
}

/** `get /v1/orders/:id`, ... for every route of `router` (mounted at `prefix`), in router order. */
export function routesOfRouter(router: Router, prefix = ''): string[] {
  const routes: string[] = [];
  for (const layer of router.stack as RouterLayer[]) {
    if (!layer.route) continue;
    for (const [method, handled] of Object.entries(layer.route.methods)) {
      if (handled && method !== '_all') routes.push(`${method} ${prefix}${String(layer.route.path)}`);
    }
  }
  return routes;
}
