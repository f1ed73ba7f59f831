/**
 * The node as the watcher uses it: a handful of typed calls over the platform's one client
 * (@dbay/chain-rpc), which owns the transport, the timeout and the circuit breaker. What is the
 * watcher's own is here and in decode.ts: getblock and getrawtransaction answers read into the chain
 * domain's types, and "not found" answers (RpcError -5) turned into undefined where the use cases
 * expect absence.
 */
import {
  RPC_INVALID_ADDRESS_OR_KEY,
  RpcError,
  type BreakerState,
  type DogecoinRpcClient,
} from '@dbay/chain-rpc';
import type { ChainBlock, ChainTransaction } from '../../domain/chain.js';
import { decodeBlock, decodeMempoolTxids, decodeVerboseTransaction } from './decode.js';

export class DogecoinNode {
  constructor(private readonly client: DogecoinRpcClient) {}

  get breakerState(): BreakerState {
    return this.client.breakerState;
  }

  /** Stops the breaker's timers, for shutdown. */
  shutdown(): void {
    this.client.shutdown();
  }

  getBestBlockHash(): Promise<string> {
    return this.client.getBestBlockHash();
  }

  getBlockCount(): Promise<number> {
    return this.client.getBlockCount();
  }

  /** The hash of the best chain's block at `height`, or undefined above the node's tip. */
  getBlockHash(height: number): Promise<string | undefined> {
    return this.client.getBlockHash(height);
  }

  /** The block with decoded transactions (verbosity 2, which Dogecoin Core 1.14 supports). */
  async getBlock(hash: string, height: number): Promise<ChainBlock> {
    return decodeBlock(await this.client.call('getblock', [hash, 2]), { hash, height });
  }

  /** The transaction's raw hex (the node runs with -txindex). */
  getRawTransactionHex(txid: string): Promise<string> {
    return this.client.getRawTransactionHex(txid);
  }

  /** A mempool or chain transaction with its hex, or undefined if the node does not know it (any more). */
  async getTransaction(txid: string): Promise<(ChainTransaction & { hex: string }) | undefined> {
    try {
      return decodeVerboseTransaction(await this.client.call('getrawtransaction', [txid, true]), txid);
    } catch (error) {
      if (error instanceof RpcError && error.code === RPC_INVALID_ADDRESS_OR_KEY) return undefined;
      throw error;
    }
  }

  async getRawMempool(): Promise<string[]> {
    return decodeMempoolTxids(await this.client.call('getrawmempool', [false]));
  }
}
