/**
 * The ways a call to the node can fail, kept apart because callers and the circuit breaker treat
 * them differently:
 *
 * - RpcError: the node answered with a JSON-RPC error object (code and message as Core sends them,
 *   e.g. -5 "No such mempool or blockchain transaction", -8 "Block height out of range"). The node
 *   is healthy; the caller decides what the code means. Never counted against the breaker.
 * - RpcTransportError: no usable answer (refused, reset, timeout, 401/403, a 5xx without a JSON-RPC
 *   body). Counted against the breaker.
 * - RpcMalformedAnswerError: an answer that is not the JSON-RPC envelope (counted against the
 *   breaker), or a result without the shape Core 1.14 gives it (raised by the readers after the call,
 *   so not counted: the node did answer).
 * - NodeUnavailableError: the breaker is open and the node was not called at all.
 *
 * No message ever carries the RPC password or the Authorization header: messages are built from the
 * method, HTTP status, Core's own error text and an excerpt of the answer body only.
 */

export class RpcError extends Error {
  constructor(
    readonly method: string,
    /** Core's numeric code; see codes.ts. */
    readonly code: number,
    /** Core's message as it sent it, without the method prefix of `message`. */
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

/** Raised instead of calling the node while the circuit breaker is open (or after shutdown). */
export class NodeUnavailableError extends Error {
  constructor(
    readonly method: string,
    reason = 'circuit breaker open',
  ) {
    super(`${method}: ${reason}, the node is not called`);
    this.name = 'NodeUnavailableError';
  }
}
