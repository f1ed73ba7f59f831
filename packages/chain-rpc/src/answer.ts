/**
 * What one HTTP answer of the node means: the call's `result`, or the error it stands for. Pure, so
 * the rules for malformed answers are tested without a server, and the deposit benchmark can time the
 * parse of a rendered block exactly as the client does it.
 */
import { RpcError, RpcMalformedAnswerError, RpcTransportError } from './errors.js';
import { isJsonObject, JsonNumber, parsePlainRpcJson, parseRpcJson, type JsonValue } from './json.js';

/** Excerpts of bad bodies in errors and logs stay short. */
const EXCERPT_CHARS = 200;

/**
 * `amounts: false` for an answer known to carry no amount (raw hex, hashes: see `mayCarryAmounts`): it is
 * read by the fast parser, which refuses any number but a safe integer.
 */
export function interpretRpcAnswer(
  method: string,
  id: number,
  status: number,
  text: string,
  { amounts = true }: { amounts?: boolean } = {},
): JsonValue {
  let answer: JsonValue;
  try {
    answer = amounts ? parseRpcJson(text) : parsePlainRpcJson(text);
  } catch (error) {
    // Core answers every call with a JSON-RPC object, errors included (HTTP 500/404 with a body).
    // A gateway's HTML 502 page is a transport failure; a 200 with garbage is a malformed answer.
    if (status >= 500 || status === 404)
      throw new RpcTransportError(method, `HTTP ${status} without a JSON-RPC body`);
    throw new RpcMalformedAnswerError(method, describeError(error), text.slice(0, EXCERPT_CHARS));
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

/** An error's message and its cause's (undici puts "connect ECONNREFUSED ..." in the cause). */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

/** Whether a call's answer may hold an amount; false only for the raw-hex and hash answers. */
export function mayCarryAmounts(method: string, params: readonly unknown[]): boolean {
  const verbose = params[1];
  if (method === 'getblock' || method === 'getrawtransaction') return !(verbose === 0 || verbose === false);
  return !(method === 'getblockhash' || method === 'getbestblockhash' || method === 'sendrawtransaction');
}
