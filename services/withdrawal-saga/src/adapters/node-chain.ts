/**
 * The saga's view of the chain (the Chain port) over the platform's one node client
 * (@dbay/chain-rpc), which owns the transport, the timeout and the circuit breaker. While the breaker
 * is open the calls fail fast with NodeUnavailableError and the loops simply try again on their next
 * tick. What is the saga's own is here: where a broadcast transaction stands, read from
 * getrawtransaction and getblockheader, with "the node does not know it" (-5) as an answer rather
 * than an error.
 */
import {
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
    if (confirmations === 0 || tx.blockhash === undefined)
      return { confirmations, blockHash: null, blockHeight: null };
    const blockHash = reader.hash(tx.blockhash, 'result.blockhash');
    const header = new RpcResultReader('getblockheader');
    const height = header.count(
      header.object(await this.client.call('getblockheader', [blockHash]), 'result').height,
      'result.height',
    );
    return { confirmations, blockHash, blockHeight: height };
  }

  /** True when the output exists unspent (counting the mempool's spends as spent). */
  async isUnspent(txid: string, vout: number): Promise<boolean> {
    return (await this.client.getTxOut(txid, vout, true)) !== null;
  }
}
