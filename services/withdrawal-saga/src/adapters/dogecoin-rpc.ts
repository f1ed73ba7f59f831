/**
 * The Dogecoin Core JSON-RPC calls the saga makes, behind one opossum circuit breaker. A node that
 * answers with an RPC error is healthy (the error is about the transaction), so such errors pass the
 * breaker's error filter; timeouts, refused connections and HTTP failures open it, and while it is
 * open calls fail fast and the jobs simply try again on their next tick.
 */
import CircuitBreaker from 'opossum';
import { integerOf, objectOf, parseExactJson, stringOf, type ExactJson } from './exact-json.js';
import type { ChainSighting } from '../domain/broadcast.js';

export interface RpcOptions {
  url: string;
  user: string;
  password: string;
  requestTimeoutMs: number;
  breakerErrorThresholdPercentage: number;
  breakerResetTimeoutMs: number;
  breakerVolumeThreshold: number;
}

/** The node answered, with an error object: code and message are Core's own. */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

/** Core's RPC_INVALID_ADDRESS_OR_KEY, also "No such mempool or blockchain transaction". */
export const RPC_INVALID_ADDRESS_OR_KEY = -5;

export class DogecoinRpc {
  private readonly breaker: CircuitBreaker<[string, unknown[]], ExactJson>;
  private nextId = 1;

  constructor(private readonly options: RpcOptions) {
    this.breaker = new CircuitBreaker((method: string, params: unknown[]) => this.post(method, params), {
      name: 'dogecoin-rpc',
      timeout: options.requestTimeoutMs,
      errorThresholdPercentage: options.breakerErrorThresholdPercentage,
      resetTimeout: options.breakerResetTimeoutMs,
      volumeThreshold: options.breakerVolumeThreshold,
      errorFilter: (error: unknown) => error instanceof RpcError,
    });
  }

  get breakerOpen(): boolean {
    return this.breaker.opened;
  }

  onBreakerStateChange(listener: (state: 'open' | 'half-open' | 'closed') => void): void {
    this.breaker.on('open', () => listener('open'));
    this.breaker.on('halfOpen', () => listener('half-open'));
    this.breaker.on('close', () => listener('closed'));
  }

  shutdown(): void {
    this.breaker.shutdown();
  }

  call(method: string, params: unknown[] = []): Promise<ExactJson> {
    return this.breaker.fire(method, params);
  }

  private async post(method: string, params: unknown[]): Promise<ExactJson> {
    const id = this.nextId++;
    const response = await fetch(this.options.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${this.options.user}:${this.options.password}`).toString('base64')}`,
      },
      body: JSON.stringify({ jsonrpc: '1.0', id, method, params }),
      signal: AbortSignal.timeout(this.options.requestTimeoutMs),
    });
    const text = await response.text();
    // Core answers RPC errors with HTTP 500 and a JSON body; anything without that body is transport.
    let body: ExactJson;
    try {
      body = parseExactJson(text);
    } catch {
      throw new Error(`dogecoin rpc ${method}: HTTP ${response.status} without a JSON body`);
    }
    const envelope = objectOf(body, 'rpc response');
    const error = envelope.error;
    if (error !== null && error !== undefined) {
      const details = objectOf(error, 'rpc error');
      throw new RpcError(
        integerOf(details.code, 'rpc error code'),
        typeof details.message === 'string' ? details.message : 'unknown error',
      );
    }
    if (!response.ok) throw new Error(`dogecoin rpc ${method}: HTTP ${response.status}`);
    return envelope.result ?? null;
  }

  /** The txid the node reports for the raw transaction it accepted. */
  async sendRawTransaction(rawHex: string): Promise<string> {
    return stringOf(await this.call('sendrawtransaction', [rawHex]), 'sendrawtransaction result');
  }

  /** Where the node sees the transaction (mempool: 0 confirmations), or undefined when it does not know it. */
  async findTransaction(txid: string): Promise<ChainSighting | undefined> {
    let result: ExactJson;
    try {
      result = await this.call('getrawtransaction', [txid, 1]);
    } catch (error) {
      if (error instanceof RpcError && error.code === RPC_INVALID_ADDRESS_OR_KEY) return undefined;
      throw error;
    }
    const tx = objectOf(result, 'getrawtransaction result');
    const confirmations = tx.confirmations === undefined ? 0 : integerOf(tx.confirmations, 'confirmations');
    const blockHash = typeof tx.blockhash === 'string' && confirmations > 0 ? tx.blockhash : null;
    let blockHeight: number | null = null;
    if (blockHash !== null) {
      const header = objectOf(await this.call('getblockheader', [blockHash]), 'getblockheader result');
      blockHeight = integerOf(header.height, 'block height');
    }
    return { confirmations, blockHash, blockHeight };
  }

  /** True when the output exists unspent (counting the mempool's spends as spent). */
  async isUnspent(txid: string, vout: number): Promise<boolean> {
    const result = await this.call('gettxout', [txid, vout, true]);
    return result !== null;
  }
}
