/**
 * The saga's view of the chain (the Chain port) over the platform's one node client
 * (@dbay/chain-rpc), which owns the transport, the timeout and the circuit breaker. While the breaker
 * is open the calls fail fast with NodeUnavailableError and the loops simply try again on their next
 * tick. What is the saga's own is here: where a broadcast transaction stands, read from
 * getrawtransaction and getblockheader, with "the node does not know it" (-5) as an answer rather
 * than an error.
 *
 * Core 1.14's -txindex keeps a transaction's entry after its block is disconnected, so
 * getrawtransaction still answers for a transaction that a reorganisation took out of the chain and
 * that is in no mempool, only with 0 confirmations (the block is not on the active chain). Such an
 * answer is therefore checked against the mempool (getmempoolentry): a transaction that is in neither
 * the active chain nor the mempool is "not found", so the tracker sends its stored bytes again instead
 * of waiting for it forever.
 */
import {
  JsonNumber,
  RPC_INVALID_ADDRESS_OR_KEY,
  RpcError,
  RpcResultReader,
  type DogecoinRpcClient,
  type JsonValue,
} from '@dbay/chain-rpc';
import type { ChainSighting } from '../domain/broadcast.js';
import type { Chain } from '../use-cases/ports.js';

export class NodeChain implements Chain {
  constructor(private readonly client: DogecoinRpcClient) {}

  /** The txid the node reports for the raw transaction it accepted; refusals are RpcErrors (-25/-26/-27). */
  sendRawTransaction(rawHex: string): Promise<string> {
    return this.client.sendRawTransaction(rawHex);
  }

  /** Where the node sees the transaction (mempool: 0 confirmations), or undefined when it does not know it. */
  async findTransaction(txid: string): Promise<ChainSighting | undefined> {
    let result: JsonValue;
    try {
      result = await this.client.call('getrawtransaction', [txid, 1]);
    } catch (error) {
      if (error instanceof RpcError && error.code === RPC_INVALID_ADDRESS_OR_KEY) return undefined;
      throw error;
    }
    const reader = new RpcResultReader('getrawtransaction');
    const tx = reader.object(result, 'result');
    // A mempool transaction has neither confirmations nor blockhash.
    const confirmations =
      tx.confirmations === undefined ? 0 : reader.count(tx.confirmations, 'result.confirmations');
    if (confirmations === 0 || tx.blockhash === undefined) {
      // In the mempool, or only in a block that is no longer on the active chain.
      if (tx.blockhash !== undefined && !(await this.inMempool(txid))) return undefined;
      return { confirmations: 0, blockHash: null, blockHeight: null };
    }
    const blockHash = reader.hash(tx.blockhash, 'result.blockhash');
    const header = new RpcResultReader('getblockheader');
    const height = header.count(
      header.object(await this.client.call('getblockheader', [blockHash]), 'result').height,
      'result.height',
    );
    return { confirmations, blockHash, blockHeight: height };
  }

  /** Whether the node's mempool holds the transaction. */
  private async inMempool(txid: string): Promise<boolean> {
    try {
      await this.client.call('getmempoolentry', [txid]);
      return true;
    } catch (error) {
      if (error instanceof RpcError && error.code === RPC_INVALID_ADDRESS_OR_KEY) return false;
      throw error;
    }
  }

  async txOut(
    txid: string,
    vout: number,
  ): Promise<{ valueKoinu: bigint; confirmations: number; scriptPubKeyHex: string } | null> {
    const out = await this.client.getTxOut(txid, vout, true);
    return out === null
      ? null
      : {
          valueKoinu: out.valueKoinu,
          confirmations: out.confirmations,
          scriptPubKeyHex: out.scriptPubKeyHex,
        };
  }

  async everMined(txid: string): Promise<boolean> {
    let result: JsonValue;
    try {
      result = await this.client.call('getrawtransaction', [txid, 1]);
    } catch (error) {
      if (error instanceof RpcError && error.code === RPC_INVALID_ADDRESS_OR_KEY) return false;
      throw error;
    }
    return new RpcResultReader('getrawtransaction').object(result, 'result').blockhash !== undefined;
  }

  async rawTransactionHex(txid: string): Promise<string | undefined> {
    try {
      return new RpcResultReader('getrawtransaction').hex(
        await this.client.call('getrawtransaction', [txid, 0]),
        'result',
      );
    } catch (error) {
      if (error instanceof RpcError && error.code === RPC_INVALID_ADDRESS_OR_KEY) return undefined;
      throw error;
    }
  }

  height(): Promise<number> {
    return this.client.getBlockCount();
  }

  /** The active chain's tip. */
  bestBlockHash(): Promise<string> {
    return this.client.getBestBlockHash();
  }

  /**
   * A block's depth on the active chain (1 for the tip), -1 when the node knows it only off the active
   * chain (Core's getblockheader answer), undefined when it does not know it at all.
   */
  async blockDepth(blockHash: string): Promise<number | undefined> {
    let result: JsonValue;
    try {
      result = await this.client.call('getblockheader', [blockHash]);
    } catch (error) {
      if (error instanceof RpcError && error.code === RPC_INVALID_ADDRESS_OR_KEY) return undefined;
      throw error;
    }
    const reader = new RpcResultReader('getblockheader');
    const confirmations = reader.object(result, 'result').confirmations;
    if (confirmations instanceof JsonNumber && confirmations.value === '-1') return -1;
    return reader.count(confirmations, 'result.confirmations');
  }

  /** True when the output exists unspent (counting the mempool's spends as spent). */
  async isUnspent(txid: string, vout: number): Promise<boolean> {
    return (await this.client.getTxOut(txid, vout, true)) !== null;
  }
}
