/**
 * Dogecoin Core JSON-RPC 1.0 over HTTP with basic auth. Every call has a hard timeout; the body is
 * parsed with lossless-json (see rpc-json.ts), so amounts reach the decoders as the digits the node
 * wrote. Three kinds of failure, kept apart because the circuit breaker treats them differently:
 *
 * - RpcError: the node answered with a JSON-RPC error object (code and message as Core sends them,
 *   e.g. -5 "No such mempool or blockchain transaction", -8 "Block height out of range"). The node
 *   is healthy; the caller decides what the code means.
 * - RpcTransportError: no usable answer (refused, reset, timeout, 401, a 5xx without a JSON-RPC body).
 * - RpcMalformedAnswerError: an answer that is not the JSON-RPC envelope, or (raised by the decoders)
 *   a result that does not have the shape Core 1.14 gives it.
 */
import { parseRpcJson, isJsonObject, JsonNumber, type JsonValue } from './rpc-json.js';

export class RpcError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    readonly rpcMessage: string,
  ) {
    super(`${method}: RPC error ${code}: ${rpcMessage}`);
    this.name = 'RpcError';
  }
}

export class RpcTransportError extends Error {
  constructor(
    readonly method: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${method}: ${message}`, options);
    this.name = 'RpcTransportError';
  }
}

export class RpcMalformedAnswerError extends Error {
  constructor(
    readonly method: string,
    readonly detail: string,
    /** The start of the offending body, for the log line. */
    readonly excerpt?: string,
  ) {
    super(`${method}: malformed answer: ${detail}`);
    this.name = 'RpcMalformedAnswerError';
  }
}

/** Core's codes the watcher relies on (src/rpc/protocol.h). */
export const RPC_INVALID_ADDRESS_OR_KEY = -5;
export const RPC_INVALID_PARAMETER = -8;

export interface JsonRpcClientOptions {
  url: string;
  user: string;
  password: string;
  /** Abort a call that has not fully answered after this long. */
  timeoutMs: number;
}

export type RpcParam = string | number | boolean;

/** Excerpts of bad bodies in errors and logs stay short. */
const EXCERPT_CHARS = 200;

export class JsonRpcClient {
  private nextId = 1;
  private readonly authorization: string;

  constructor(private readonly options: JsonRpcClientOptions) {
    this.authorization = `Basic ${Buffer.from(`${options.user}:${options.password}`).toString('base64')}`;
  }

  /** Calls `method` and returns its `result`, numbers as LosslessNumber. */
  async call(method: string, params: readonly RpcParam[] = []): Promise<JsonValue> {
    const id = this.nextId++;
    const body = JSON.stringify({ jsonrpc: '1.0', id, method, params });
    let status: number;
    let text: string;
    try {
      const response = await fetch(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: this.authorization },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      const reason =
        error instanceof Error && error.name === 'TimeoutError'
          ? `timed out after ${this.options.timeoutMs} ms`
          : describe(error);
      throw new RpcTransportError(method, reason, { cause: error });
    }
    if (status === 401 || status === 403)
      throw new RpcTransportError(method, `HTTP ${status}: check the RPC credentials`);
    return interpretRpcAnswer(method, id, status, text);
  }
}

/**
 * The result of one JSON-RPC answer (HTTP status and body), or the error it stands for. Pure, so the
 * rules for malformed answers are tested without a server.
 */
export function interpretRpcAnswer(method: string, id: number, status: number, text: string): JsonValue {
  let answer: JsonValue;
  try {
    answer = parseRpcJson(text);
  } catch (error) {
    // Core answers every call with a JSON-RPC object, errors included (HTTP 500/404 with a body).
    // A gateway's HTML 502 page is a transport failure; a 200 with garbage is a malformed answer.
    if (status >= 500 || status === 404)
      throw new RpcTransportError(method, `HTTP ${status} without a JSON-RPC body`);
    throw new RpcMalformedAnswerError(method, describe(error), text.slice(0, EXCERPT_CHARS));
  }
  if (!isJsonObject(answer))
    throw new RpcMalformedAnswerError(method, 'answer is not a JSON object', text.slice(0, EXCERPT_CHARS));
  const answerId = answer.id;
  // Core echoes the id as it was sent (a number); a string echo of the same id is accepted too.
  const echoed = answerId instanceof JsonNumber ? answerId.value : answerId;
  if (echoed !== String(id)) {
    throw new RpcMalformedAnswerError(
      method,
      `answer id ${JSON.stringify(answerId ?? null)} does not match request id ${id}`,
    );
  }
  const error = answer.error;
  if (error !== null && error !== undefined) {
    if (!isJsonObject(error) || !(error.code instanceof JsonNumber) || typeof error.message !== 'string') {
      throw new RpcMalformedAnswerError(method, 'error is not an object with a numeric code and a message');
    }
    const code = Number(error.code.value);
    if (!Number.isSafeInteger(code))
      throw new RpcMalformedAnswerError(method, `error code ${error.code.value} is not an integer`);
    throw new RpcError(method, code, error.message);
  }
  if (!('result' in answer)) throw new RpcMalformedAnswerError(method, 'answer has neither result nor error');
  if (status !== 200) throw new RpcMalformedAnswerError(method, `HTTP ${status} with a result and no error`);
  return answer.result!;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
