/**
 * The node as the watcher uses it: a handful of typed calls over the platform's one client
 * (@dbay/chain-rpc), which owns the transport, the timeout and the circuit breaker. What is the
 * watcher's own is here, in decode.ts and raw-block.ts: getblock and getrawtransaction answers read into
 * the chain domain's types, and "not found" answers (RpcError -5) turned into undefined where the use
 * cases expect absence.
 *
 * Blocks are read raw by default (getblock <hash> 0, decoded by raw-block.ts): a full block is ~2 MB of
 * hex instead of ~6 MB of JSON whose lossless parse took most of a catch-up's time. When the raw bytes
 * cannot be decoded (a RawBlockError: a format this reader does not know), that block is read again at
 * verbosity 2 and the fallback is reported, so a surprise costs speed, never a block. The bytes are
 * decoded by the `rawBlockDecoder` given (raw-block-decoder.ts: main.ts passes a worker thread's, so a
 * catch-up decodes the next block while this one commits), inline by default.
 */
import {
  RPC_INVALID_ADDRESS_OR_KEY,
  RpcError,
  type BreakerState,
  type DogecoinRpcClient,
} from '@dbay/chain-rpc';
import type { ChainBlock, ChainTransaction } from '../../domain/chain.js';
import { decodeBlock, decodeMempoolTxids, decodeVerboseTransaction } from './decode.js';
import { RawBlockError } from './raw-block.js';
import { inlineRawBlockDecoder, type RawBlockDecoder } from './raw-block-decoder.js';

/** How blocks are read: raw bytes (with the JSON as fallback), or the verbosity-2 JSON only. */
export type BlockFormat = 'raw' | 'json';
export const BLOCK_FORMATS: readonly BlockFormat[] = ['raw', 'json'];

export interface DogecoinNodeOptions {
  blockFormat?: BlockFormat;
  /** A raw block could not be decoded and was read as JSON instead. Must not throw. */
  onRawBlockFallback?(hash: string, reason: string): void;
  /** Where raw blocks are decoded (default: inline, on the event loop). */
  rawBlockDecoder?: RawBlockDecoder;
}

export class DogecoinNode {
  readonly blockFormat: BlockFormat;
  readonly #decoder: RawBlockDecoder;

  constructor(
    private readonly client: DogecoinRpcClient,
    private readonly options: DogecoinNodeOptions = {},
  ) {
    this.blockFormat = options.blockFormat ?? 'raw';
    this.#decoder = options.rawBlockDecoder ?? inlineRawBlockDecoder;
  }

  get breakerState(): BreakerState {
    return this.client.breakerState;
  }

  /** Stops the breaker's timers and the block decoder's worker, for shutdown. */
  shutdown(): Promise<void> {
    this.client.shutdown();
    return this.#decoder.close();
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

  /** The block with decoded transactions: raw bytes, or verbosity 2 (both in Dogecoin Core 1.14). */
  async getBlock(hash: string, height: number): Promise<ChainBlock> {
    if (this.blockFormat === 'raw') {
      const hex = await this.client.getBlockHex(hash);
      try {
        return await this.#decoder.decode(hex, { hash, height });
      } catch (error) {
        if (!(error instanceof RawBlockError)) throw error;
        this.options.onRawBlockFallback?.(hash, error.message);
      }
    }
    return this.getBlockJson(hash, height);
  }

  /** getblock <hash> 2, decoded from Core's JSON. */
  async getBlockJson(hash: string, height: number): Promise<ChainBlock> {
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
