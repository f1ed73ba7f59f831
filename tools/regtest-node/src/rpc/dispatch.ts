/**
 * JSONRPCRequest::parse, CRPCTable::execute and JSONRPCExecBatch (src/rpc/server.cpp) plus the HTTP
 * status rule of JSONErrorReply (src/httprpc.cpp): 404 for an unknown method, 400 for an invalid
 * request, 500 for every other error of a single call, 200 for any batch.
 */
import { Verbatim, writeCoreJson, type CoreJson } from '../core-json.js';
import type { RegtestNode } from '../node.js';
import { blockchainMethods } from './blockchain.js';
import { HELP_TEXTS } from './help.js';
import type { RpcMethod } from './method.js';
import { miningMethods } from './mining.js';
import { networkMethods } from './network.js';
import { Params, positionalParams, RPC, RpcError, RuntimeError } from './protocol.js';
import { rawTransactionMethods } from './rawtransaction.js';

const TABLE = new Map<string, RpcMethod>(
  [...blockchainMethods, ...rawTransactionMethods, ...miningMethods, ...networkMethods].map((m) => [
    m.name,
    m,
  ]),
);

export const methodNames = (): string[] => [...TABLE.keys()].sort();

/** The arity of a method, for tests that walk the whole table. */
export function methodArity(name: string): { minParams: number; maxParams: number } | undefined {
  const method = TABLE.get(name);
  return method && { minParams: method.minParams, maxParams: method.maxParams };
}

export interface RpcReply {
  status: number;
  body: string;
}

interface ParsedRequest {
  id: unknown;
  method: string;
  params: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** JSONRPCRequest::parse: the id is read first so later errors carry it. */
function parseRequest(value: unknown, into: { id: unknown }): ParsedRequest {
  if (!isObject(value)) throw new RpcError(RPC.INVALID_REQUEST, 'Invalid Request object');
  into.id = value.id ?? null;
  const method = value.method;
  if (method === undefined || method === null) throw new RpcError(RPC.INVALID_REQUEST, 'Missing method');
  if (typeof method !== 'string') throw new RpcError(RPC.INVALID_REQUEST, 'Method must be a string');
  const params = value.params ?? [];
  if (!Array.isArray(params) && !isObject(params)) {
    throw new RpcError(RPC.INVALID_REQUEST, 'Params must be an array or object');
  }
  return { id: into.id, method, params };
}

export type Logger = (message: string, error: unknown) => void;

/** CRPCTable::execute: a std::exception from inside a method becomes -1 with its message. */
function execute(request: ParsedRequest, node: RegtestNode, log: Logger): CoreJson {
  const method = TABLE.get(request.method);
  if (!method) throw new RpcError(RPC.METHOD_NOT_FOUND, 'Method not found');
  const params = new Params(positionalParams(request.params, method.argNames));
  // Each method's own check in Core: `if (request.fHelp || params.size() < min || > max) throw
  // runtime_error(help)`, which reaches the client as -1 with the whole text.
  if (params.size < method.minParams || params.size > method.maxParams)
    throw new RuntimeError(HELP_TEXTS[method.name]);
  try {
    return method.run(params, node);
  } catch (error) {
    if (error instanceof RpcError || error instanceof RuntimeError) throw error;
    log(`bug in ${request.method}`, error);
    throw new RuntimeError(error instanceof Error ? error.message : String(error));
  }
}

const errorObject = (error: unknown): { code: number; message: string } => {
  if (error instanceof RpcError) return { code: error.code, message: error.message };
  if (error instanceof RuntimeError) return { code: RPC.MISC_ERROR, message: error.message };
  return { code: RPC.PARSE_ERROR, message: error instanceof Error ? error.message : String(error) };
};

/** JSONRPCReplyObj: result, error, id, in that order. */
const replyObject = (
  result: CoreJson,
  error: { code: number; message: string } | null,
  id: unknown,
): CoreJson => ({
  result,
  error,
  id: new Verbatim(id),
});

function executeOne(value: unknown, node: RegtestNode, log: Logger): CoreJson {
  const holder = { id: null as unknown };
  try {
    const request = parseRequest(value, holder);
    return replyObject(execute(request, node, log), null, request.id);
  } catch (error) {
    return replyObject(null, errorObject(error), holder.id);
  }
}

/** HTTPReq_JSONRPC after authentication: parse the body, run one call or a batch. */
export function handleRpcBody(body: string, node: RegtestNode, log: Logger): RpcReply {
  let value: unknown;
  try {
    value = JSON.parse(body) as unknown;
  } catch {
    return errorReply(new RpcError(RPC.PARSE_ERROR, 'Parse error'), null);
  }
  if (Array.isArray(value)) {
    return { status: 200, body: `${writeCoreJson(value.map((v) => executeOne(v, node, log)))}\n` };
  }
  if (!isObject(value))
    return errorReply(new RpcError(RPC.PARSE_ERROR, 'Top-level object parse error'), null);
  const holder = { id: null as unknown };
  try {
    const request = parseRequest(value, holder);
    const result = execute(request, node, log);
    return { status: 200, body: `${writeCoreJson(replyObject(result, null, request.id))}\n` };
  } catch (error) {
    return errorReply(error, holder.id);
  }
}

function errorReply(error: unknown, id: unknown): RpcReply {
  const object = errorObject(error);
  const status = object.code === RPC.INVALID_REQUEST ? 400 : object.code === RPC.METHOD_NOT_FOUND ? 404 : 500;
  return { status, body: `${writeCoreJson(replyObject(null, object, id))}\n` };
}
