/**
 * The node as the watcher uses it: a handful of typed calls, each through one opossum circuit
 * breaker. When the node is down (refused connections, timeouts, garbage) the breaker opens and the
 * watcher stops hammering it; after `resetTimeoutMs` one trial call goes through (half-open) and a
 * success closes it again, so the watcher recovers by itself. JSON-RPC error answers (RpcError) are
 * the node working normally ("no such transaction", "height out of range") and never trip it.
 */
import CircuitBreaker from 'opossum';
import type { ChainBlock, ChainTransaction } from '../../domain/chain.js';
import {
  decodeBlock,
  decodeBlockCount,
  decodeBlockHash,
  decodeMempoolTxids,
  decodeRawTransactionHex,
  decodeVerboseTransaction,
} from './decode.js';
import {
  JsonRpcClient,
  RPC_INVALID_ADDRESS_OR_KEY,
  RPC_INVALID_PARAMETER,
  RpcError,
  type RpcParam,
} from './json-rpc-client.js';
import type { JsonValue } from './rpc-json.js';

export interface BreakerOptions {
  /** opossum's own timeout; a little above the HTTP timeout so the HTTP abort fires first. */
  timeoutMs: number;
  errorThresholdPercentage: number;
  resetTimeoutMs: number;
  rollingCountTimeoutMs: number;
  rollingCountBuckets: number;
  /** Calls in the rolling window before the breaker may open. */
  volumeThreshold: number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface NodeObserver {
  onCall(method: string, outcome: 'ok' | 'rpc-error' | 'failure' | 'rejected', seconds: number): void;
  onBreakerState(state: BreakerState): void;
}

/** Raised instead of calling the node while the breaker is open. */
export class NodeUnavailableError extends Error {
  constructor(readonly method: string) {
    super(`${method}: circuit breaker open, the node is not called`);
    this.name = 'NodeUnavailableError';
  }
}

export class DogecoinNode {
  private readonly breaker: CircuitBreaker<[string, readonly RpcParam[]], JsonValue>;

  constructor(
    client: JsonRpcClient,
    options: BreakerOptions,
    private readonly observer: NodeObserver,
  ) {
    this.breaker = new CircuitBreaker(
      (method: string, params: readonly RpcParam[]) => client.call(method, params),
      {
        name: 'dogecoin-rpc',
        timeout: options.timeoutMs,
        errorThresholdPercentage: options.errorThresholdPercentage,
        resetTimeout: options.resetTimeoutMs,
        rollingCountTimeout: options.rollingCountTimeoutMs,
        rollingCountBuckets: options.rollingCountBuckets,
        volumeThreshold: options.volumeThreshold,
        allowWarmUp: false,
        capacity: Number.MAX_SAFE_INTEGER,
        // The node answered: not a failure of the node.
        errorFilter: (error: unknown) => error instanceof RpcError,
      },
    );
    this.breaker.on('open', () => observer.onBreakerState('open'));
    this.breaker.on('halfOpen', () => observer.onBreakerState('half-open'));
    this.breaker.on('close', () => observer.onBreakerState('closed'));
    observer.onBreakerState('closed');
  }

  get breakerState(): BreakerState {
    if (this.breaker.opened) return 'open';
    if (this.breaker.halfOpen) return 'half-open';
    return 'closed';
  }

  /** Stops the breaker's timers, for shutdown. */
  shutdown(): void {
    this.breaker.shutdown();
  }

  private async call(method: string, params: readonly RpcParam[] = []): Promise<JsonValue> {
    const started = process.hrtime.bigint();
    const seconds = (): number => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const result = await this.breaker.fire(method, params);
      this.observer.onCall(method, 'ok', seconds());
      return result;
    } catch (error) {
      if (error instanceof RpcError) {
        this.observer.onCall(method, 'rpc-error', seconds());
        throw error;
      }
      if (isBreakerRejection(error)) {
        this.observer.onCall(method, 'rejected', seconds());
        throw new NodeUnavailableError(method);
      }
      this.observer.onCall(method, 'failure', seconds());
      throw error;
    }
  }

  async getBestBlockHash(): Promise<string> {
    return decodeBlockHash('getbestblockhash', await this.call('getbestblockhash'));
  }

  async getBlockCount(): Promise<number> {
    return decodeBlockCount(await this.call('getblockcount'));
  }

  /** The hash of the best chain's block at `height`, or undefined above the node's tip. */
  async getBlockHash(height: number): Promise<string | undefined> {
    try {
      return decodeBlockHash('getblockhash', await this.call('getblockhash', [height]));
    } catch (error) {
      if (error instanceof RpcError && error.code === RPC_INVALID_PARAMETER) return undefined;
      throw error;
    }
  }

  /** The block with decoded transactions (verbosity 2, which Dogecoin Core 1.14 supports). */
  async getBlock(hash: string, height: number): Promise<ChainBlock> {
    return decodeBlock(await this.call('getblock', [hash, 2]), { hash, height });
  }

  /** The transaction's raw hex (the node runs with -txindex). */
  async getRawTransactionHex(txid: string): Promise<string> {
    return decodeRawTransactionHex(await this.call('getrawtransaction', [txid, false]));
  }

  /** A mempool or chain transaction with its hex, or undefined if the node does not know it (any more). */
  async getTransaction(txid: string): Promise<(ChainTransaction & { hex: string }) | undefined> {
    try {
      return decodeVerboseTransaction(await this.call('getrawtransaction', [txid, true]), txid);
    } catch (error) {
      if (error instanceof RpcError && error.code === RPC_INVALID_ADDRESS_OR_KEY) return undefined;
      throw error;
    }
  }

  async getRawMempool(): Promise<string[]> {
    return decodeMempoolTxids(await this.call('getrawmempool', [false]));
  }
}

function isBreakerRejection(error: unknown): boolean {
  return error instanceof Error && (error as Error & { code?: string }).code === 'EOPENBREAKER';
}
