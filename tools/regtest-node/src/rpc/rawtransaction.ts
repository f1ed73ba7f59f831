/** The rawtransactions category of Dogecoin Core 1.14 (src/rpc/rawtransaction.cpp), as run with -txindex. */
import { Transaction } from 'bitcoinjs-lib';
import { MAX_TX_FEE } from '../consensus.js';
import type { CoreJson } from '../core-json.js';
import type { RpcMethod } from './method.js';
import { isHex, parseHashV, RPC, RpcError } from './protocol.js';
import { txToJson } from './views.js';

/** DecodeHexTx: hex of a whole transaction and nothing after it. */
export function decodeHexTx(text: string): Transaction | null {
  if (!isHex(text)) return null;
  try {
    return Transaction.fromHex(text);
  } catch {
    return null;
  }
}

const getrawtransaction: RpcMethod = {
  name: 'getrawtransaction',
  argNames: ['txid', 'verbose'],
  minParams: 1,
  maxParams: 2,
  run(params, node) {
    const txid = parseHashV(params.raw(0), 'parameter 1');
    // Accept either a bool (true) or a num (>=1) to indicate verbose output.
    let verbose = false;
    if (params.size > 1) {
      if (params.isNum(1)) verbose = params.int(1) !== 0;
      else if (params.isBool(1)) verbose = params.bool(1);
      else throw new RpcError(RPC.TYPE_ERROR, 'Invalid type provided. Verbose parameter must be a boolean.');
    }
    // GetTransaction: the mempool first, then the transaction index.
    let tx = node.mempool.get(txid)?.tx;
    let blockHash: string | undefined;
    if (!tx) {
      blockHash = node.chain.txIndex.get(txid);
      const record = blockHash === undefined ? undefined : node.chain.index.get(blockHash);
      tx = record?.transactions[record.txids.indexOf(txid)];
    }
    if (!tx) {
      throw new RpcError(
        RPC.INVALID_ADDRESS_OR_KEY,
        'No such mempool or blockchain transaction. Use gettransaction for wallet transactions.',
      );
    }
    if (!verbose) return tx.toHex();
    const result: Record<string, CoreJson> = { hex: tx.toHex() };
    txToJson(tx, result, blockHash === undefined ? undefined : { chain: node.chain, blockHash });
    return result;
  },
};

const decoderawtransaction: RpcMethod = {
  name: 'decoderawtransaction',
  argNames: ['hexstring'],
  minParams: 1,
  maxParams: 1,
  run(params) {
    params.typeCheck(['string']);
    const tx = decodeHexTx(params.str(0));
    if (!tx) throw new RpcError(RPC.DESERIALIZATION_ERROR, 'TX decode failed');
    const result: Record<string, CoreJson> = {};
    txToJson(tx, result);
    return result;
  },
};

const sendrawtransaction: RpcMethod = {
  name: 'sendrawtransaction',
  argNames: ['hexstring', 'allowhighfees'],
  minParams: 1,
  maxParams: 2,
  run(params, node) {
    params.typeCheck(['string', 'bool']);
    const tx = decodeHexTx(params.str(0));
    if (!tx) throw new RpcError(RPC.DESERIALIZATION_ERROR, 'TX decode failed');
    const txid = tx.getId();
    const absurdFee = params.size > 1 && params.bool(1) ? 0n : MAX_TX_FEE;
    const haveChain = node.chain.utxo.get(txid) !== undefined;
    const haveMempool = node.mempool.has(txid);
    if (!haveMempool && !haveChain) {
      const result = node.accept(tx, { absurdFee });
      if (result.kind === 'rejected')
        throw new RpcError(RPC.TRANSACTION_REJECTED, `${result.code}: ${result.reason}`);
      if (result.kind === 'missing-inputs') throw new RpcError(RPC.TRANSACTION_ERROR, 'Missing inputs');
    } else if (haveChain) {
      throw new RpcError(RPC.TRANSACTION_ALREADY_IN_CHAIN, 'transaction already in block chain');
    }
    // Already in the mempool: Core relays it again and answers with the txid.
    return txid;
  },
};

export const rawTransactionMethods: RpcMethod[] = [
  getrawtransaction,
  decoderawtransaction,
  sendrawtransaction,
];
