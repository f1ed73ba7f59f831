/**
 * The one Dogecoin Core JSON-RPC client of the platform: JSON-RPC 1.0 over HTTP with basic auth, a
 * hard timeout per call (connection to last byte), lossless parsing, and every call through one
 * opossum circuit breaker.
 *
 * When the node is down (refused connections, timeouts, 5xx pages, garbage) the breaker opens and
 * callers get NodeUnavailableError at once instead of hammering it; after `resetTimeoutMs` one trial
 * call goes through (half-open) and a success closes it again, so a service recovers by itself. An
 * RpcError is the node working normally ("no such transaction", "height out of range"): it never
 * counts as a failure, and in half-open it closes the breaker like a success.
 */
import CircuitBreaker from 'opossum';
import { describeError, interpretRpcAnswer, mayCarryAmounts } from './answer.js';
import { RPC_INVALID_PARAMETER } from './codes.js';
import { NodeUnavailableError, RpcError, RpcMalformedAnswerError, RpcTransportError } from './errors.js';
import type { JsonValue } from './json.js';
import { RpcResultReader } from './reader.js';

export type RpcParam = string | number | boolean;

export interface BreakerOptions {
  /** The breaker opens when more than this % of the calls in the rolling window failed... */
  errorThresholdPercentage: number;
  /** ...and the window holds at least this many calls... */
  volumeThreshold: number;
  /** ...over a window this long. */
  rollingCountTimeoutMs: number;
  /** Open -> one trial call (half-open) after this long. */
  resetTimeoutMs: number;
}

export interface DogecoinRpcOptions {
  /** The node's endpoint, without credentials in it. */
  url: string;
  user: string;
  password: string;
  /** Abort a call that has not fully answered after this long (DEFAULT_CALL_TIMEOUT_MS). */
  timeoutMs?: number;
  /** DEFAULT_BREAKER_OPTIONS for whatever is left out. */
  breaker?: Partial<BreakerOptions>;
}

/** The defaults of the DOGECOIN_RPC_* variables (the deposit watcher's documented ones). */
export const DEFAULT_CALL_TIMEOUT_MS = 10_000;
export const DEFAULT_BREAKER_OPTIONS: Readonly<BreakerOptions> = {
  errorThresholdPercentage: 50,
  volumeThreshold: 5,
  rollingCountTimeoutMs: 10_000,
  resetTimeoutMs: 30_000,
};

export type BreakerState = 'closed' | 'open' | 'half-open';

/** ok: a result; rpc-error: Core's error object; failure: no usable answer; rejected: breaker open. */
export type RpcCallOutcome = 'ok' | 'rpc-error' | 'failure' | 'rejected';

/** Where metrics and logs hang off the client. Both optional; neither may throw. */
export interface RpcHooks {
  /** After every call, with its outcome and wall-clock seconds (rejected calls take ~0). */
  onCall?(method: string, outcome: RpcCallOutcome, seconds: number): void;
  /** Once with the initial state ('closed') at construction, then on every change. */
  onBreakerState?(state: BreakerState): void;
}

/** An unspent output as gettxout reports it. */
export interface TxOut {
  valueKoinu: bigint;
  /** 0 for an output of a mempool transaction. */
  confirmations: number;
  scriptPubKeyHex: string;
  coinbase: boolean;
}

/** opossum's own timeout sits this far above the HTTP one, so the HTTP abort (which frees the socket) fires first. */
export const BREAKER_TIMEOUT_SLACK_MS = 1_000;
/** The rolling window is kept in this many buckets. */
export const BREAKER_ROLLING_BUCKETS = 10;

export class DogecoinRpcClient {
  readonly url: string;
  readonly timeoutMs: number;
  // ES private fields: invisible to util.inspect and JSON.stringify, so logging the client object
  // cannot print the credentials.
  readonly #authorization: string;
  readonly #password: string;
  readonly #breaker: CircuitBreaker<[string, readonly RpcParam[]], JsonValue>;
  readonly #hooks: RpcHooks;
  #nextId = 1;

  constructor(options: DogecoinRpcOptions, hooks: RpcHooks = {}) {
    const url = new URL(options.url);
    // fetch refuses such a URL with an error that quotes it, password included.
    if (url.username !== '' || url.password !== '')
      throw new Error('The Dogecoin RPC URL must not carry credentials; pass user and password apart');
    this.url = options.url;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    const breaker = { ...DEFAULT_BREAKER_OPTIONS, ...options.breaker };
    this.#hooks = hooks;
    this.#password = options.password;
    this.#authorization = `Basic ${Buffer.from(`${options.user}:${options.password}`).toString('base64')}`;
    this.#breaker = new CircuitBreaker(
      (method: string, params: readonly RpcParam[]) => this.#post(method, params),
      {
        name: 'dogecoin-rpc',
        timeout: this.timeoutMs + BREAKER_TIMEOUT_SLACK_MS,
        errorThresholdPercentage: breaker.errorThresholdPercentage,
        volumeThreshold: breaker.volumeThreshold,
        rollingCountTimeout: breaker.rollingCountTimeoutMs,
        rollingCountBuckets: BREAKER_ROLLING_BUCKETS,
        resetTimeout: breaker.resetTimeoutMs,
        allowWarmUp: false,
        // The node answered: not a failure of the node.
        errorFilter: (error: unknown) => error instanceof RpcError,
      },
    );
    this.#breaker.on('open', () => hooks.onBreakerState?.('open'));
    this.#breaker.on('halfOpen', () => hooks.onBreakerState?.('half-open'));
    this.#breaker.on('close', () => hooks.onBreakerState?.('closed'));
    hooks.onBreakerState?.('closed');
  }

  get breakerState(): BreakerState {
    if (this.#breaker.opened) return 'open';
    if (this.#breaker.halfOpen) return 'half-open';
    return 'closed';
  }

  /** Stops the breaker's timers, for shutdown. Calls after it are rejected. */
  shutdown(): void {
    this.#breaker.shutdown();
  }

  /**
   * Calls `method` and returns its `result`, numbers as JsonNumber. Rejects with RpcError,
   * RpcTransportError, RpcMalformedAnswerError or NodeUnavailableError, nothing else.
   */
  async call(method: string, params: readonly RpcParam[] = []): Promise<JsonValue> {
    const started = process.hrtime.bigint();
    const seconds = (): number => Number(process.hrtime.bigint() - started) / 1e9;
    let result: JsonValue;
    try {
      result = await this.#breaker.fire(method, params);
    } catch (error) {
      const { outcome, thrown } = this.#failureOf(method, error);
      this.#hooks.onCall?.(method, outcome, seconds());
      throw thrown;
    }
    this.#hooks.onCall?.(method, 'ok', seconds());
    return result;
  }

  /** What a rejected call counts as, and the coded error the caller gets for it. */
  #failureOf(method: string, error: unknown): { outcome: Exclude<RpcCallOutcome, 'ok'>; thrown: unknown } {
    if (error instanceof RpcError) return { outcome: 'rpc-error', thrown: error };
    const code = breakerCode(error);
    if (code === 'EOPENBREAKER') return { outcome: 'rejected', thrown: new NodeUnavailableError(method) };
    if (code === 'ESHUTDOWN')
      return { outcome: 'rejected', thrown: new NodeUnavailableError(method, 'the client was shut down') };
    // opossum's backstop timeout, when the HTTP abort did not come first.
    if (code === 'ETIMEDOUT') {
      const timedOut = new RpcTransportError(method, `timed out after ${this.timeoutMs} ms`, {
        cause: error,
      });
      return { outcome: 'failure', thrown: timedOut };
    }
    return { outcome: 'failure', thrown: error };
  }

  async getBlockCount(): Promise<number> {
    return new RpcResultReader('getblockcount').count(await this.call('getblockcount'), 'result');
  }

  async getBestBlockHash(): Promise<string> {
    return new RpcResultReader('getbestblockhash').hash(await this.call('getbestblockhash'), 'result');
  }

  /** The hash of the best chain's block at `height`, or undefined above the node's tip. */
  async getBlockHash(height: number): Promise<string | undefined> {
    let result: JsonValue;
    try {
      result = await this.call('getblockhash', [height]);
    } catch (error) {
      if (error instanceof RpcError && error.code === RPC_INVALID_PARAMETER) return undefined;
      throw error;
    }
    return new RpcResultReader('getblockhash').hash(result, 'result');
  }

  /**
   * getblock <hash> 0: the serialized block as hex, exactly the bytes the node stores (on Dogecoin
   * mainnet the header of a merge-mined block is followed by its AuxPoW). No amounts are in the
   * answer, so nothing here goes through a float; the caller decodes the bytes.
   */
  async getBlockHex(hash: string): Promise<string> {
    const reader = new RpcResultReader('getblock');
    const hex = reader.hex(await this.call('getblock', [hash, 0]), 'result');
    if (hex.length === 0) reader.fail('result', 'empty block');
    return hex;
  }

  /** getrawtransaction <txid> false: the transaction's raw hex (the node runs with -txindex). */
  async getRawTransactionHex(txid: string): Promise<string> {
    const reader = new RpcResultReader('getrawtransaction');
    const hex = reader.hex(await this.call('getrawtransaction', [txid, false]), 'result');
    if (hex.length === 0) reader.fail('result', 'empty transaction');
    return hex;
  }

  /** gettxout: null when the output is spent (in the mempool too, if asked) or never existed. */
  async getTxOut(txid: string, vout: number, includeMempool = true): Promise<TxOut | null> {
    const result = await this.call('gettxout', [txid, vout, includeMempool]);
    if (result === null) return null;
    const reader = new RpcResultReader('gettxout');
    const out = reader.object(result, 'result');
    const scriptPubKey = reader.object(out.scriptPubKey, 'result.scriptPubKey');
    return {
      valueKoinu: reader.koinu(out.value, 'result.value'),
      confirmations: reader.count(out.confirmations, 'result.confirmations'),
      scriptPubKeyHex: reader.hex(scriptPubKey.hex, 'result.scriptPubKey.hex'),
      coinbase: reader.boolean(out.coinbase, 'result.coinbase'),
    };
  }

  /** sendrawtransaction: the txid of the transaction the node accepted. */
  async sendRawTransaction(rawHex: string): Promise<string> {
    return new RpcResultReader('sendrawtransaction').hash(
      await this.call('sendrawtransaction', [rawHex]),
      'result',
    );
  }

  async #post(method: string, params: readonly RpcParam[]): Promise<JsonValue> {
    const id = this.#nextId++;
    let status: number;
    let text: string;
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: this.#authorization },
        body: JSON.stringify({ jsonrpc: '1.0', id, method, params }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      const reason =
        error instanceof Error && error.name === 'TimeoutError'
          ? `timed out after ${this.timeoutMs} ms`
          : describeError(error);
      throw new RpcTransportError(method, reason, { cause: error });
    }
    // Core answers a wrong password with a bare 401 (after a delay against brute force).
    if (status === 401 || status === 403)
      throw new RpcTransportError(method, `HTTP ${status}: the node refused the RPC credentials`);
    try {
      return interpretRpcAnswer(method, id, status, text, { amounts: mayCarryAmounts(method, params) });
    } catch (error) {
      throw this.#withoutSecrets(error);
    }
  }

  /**
   * Core never repeats credentials, but something else at the URL might (a proxy's error page, an
   * echo service answering with the request headers), and a body excerpt or error text goes to logs.
   */
  #withoutSecrets(error: unknown): unknown {
    const secrets = [this.#authorization.slice('Basic '.length), this.#password].filter(Boolean);
    const scrub = (text: string): string =>
      secrets.reduce((scrubbed, secret) => scrubbed.replaceAll(secret, '[REDACTED]'), text);
    if (error instanceof RpcError && scrub(error.rpcMessage) !== error.rpcMessage)
      return new RpcError(error.method, error.code, scrub(error.rpcMessage));
    if (error instanceof RpcMalformedAnswerError) {
      const excerpt = error.excerpt === undefined ? undefined : scrub(error.excerpt);
      if (scrub(error.detail) !== error.detail || excerpt !== error.excerpt)
        return new RpcMalformedAnswerError(error.method, scrub(error.detail), excerpt);
    }
    return error;
  }
}

function breakerCode(error: unknown): string | undefined {
  return error instanceof Error ? (error as Error & { code?: string }).code : undefined;
}
