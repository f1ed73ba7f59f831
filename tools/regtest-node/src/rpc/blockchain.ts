/** The blockchain category of Dogecoin Core 1.14 (src/rpc/blockchain.cpp). */
import { difficulty } from '../blocks.js';
import type { BlockRecord, ChainState } from '../chainstate.js';
import { coinsFromTransaction, type Coins } from '../coins.js';
import {
  BIP34_HEIGHT,
  BIP65_HEIGHT,
  BIP66_HEIGHT,
  BIP9_DEPLOYMENTS,
  MAX_MEMPOOL_BYTES,
  MEMPOOL_HEIGHT,
  MINER_CONFIRMATION_WINDOW,
} from '../consensus.js';
import { Amount, Real, type CoreJson } from '../core-json.js';
import type { RegtestNode } from '../node.js';
import type { RpcMethod } from './method.js';
import { parseHashV, RPC, RpcError, uint256S, type Params } from './protocol.js';
import {
  blockHeaderToJson,
  blockToJson,
  mempoolEntryToJson,
  scriptPubKeyToJson,
  tipChainWork,
} from './views.js';

function findBlock(chain: ChainState, text: string): BlockRecord {
  const record = chain.index.get(uint256S(text));
  if (!record) throw new RpcError(RPC.INVALID_ADDRESS_OR_KEY, 'Block not found');
  return record;
}

/** VersionBitsTipState for a deployment our blocks never signal: defined for the first window, then started. */
function bip9Json(
  chain: ChainState,
  bit: number,
  startTime: number,
  timeout: number,
): Record<string, CoreJson> {
  const started = chain.height + 1 >= MINER_CONFIRMATION_WINDOW;
  const out: Record<string, CoreJson> = { status: started ? 'started' : 'defined' };
  if (started) out.bit = bit;
  out.startTime = startTime;
  out.timeout = timeout;
  out.since = started ? MINER_CONFIRMATION_WINDOW : 0;
  return out;
}

/** CalculateCurrentUsage: block files (8-byte record header each) plus estimated undo files. */
function sizeOnDisk(chain: ChainState): number {
  let total = 0;
  for (const record of chain.index.values()) {
    total += 8 + record.size;
    if (record.height === 0) continue;
    const inputs = record.transactions.reduce((sum, tx) => sum + (tx.isCoinbase() ? 0 : tx.ins.length), 0);
    total += 8 + 32 + 1 + record.transactions.length + 30 * inputs;
  }
  return total;
}

const getblockchaininfo: RpcMethod = {
  name: 'getblockchaininfo',
  argNames: [],
  minParams: 0,
  maxParams: 0,
  run(_params: Params, node: RegtestNode): CoreJson {
    const { chain } = node;
    const tip = chain.tip;
    const softfork = (id: string, version: number, height: number): CoreJson => ({
      id,
      version,
      reject: { status: tip.height >= height },
    });
    const bip9: Record<string, CoreJson> = {};
    for (const d of BIP9_DEPLOYMENTS) bip9[d.name] = bip9Json(chain, d.bit, d.startTime, d.timeout);
    return {
      chain: 'regtest',
      blocks: chain.height,
      headers: chain.bestHeader.height,
      bestblockhash: tip.hash,
      difficulty: new Real(difficulty(tip.block.bits)),
      mediantime: chain.medianTimePast(tip),
      // GuessVerificationProgress with regtest's empty ChainTxData is nChainTx / nChainTx.
      verificationprogress: new Real(1),
      initialblockdownload: node.isInitialBlockDownload(),
      chainwork: tipChainWork(chain),
      size_on_disk: sizeOnDisk(chain),
      pruned: false,
      softforks: [
        softfork('bip34', 2, BIP34_HEIGHT),
        softfork('bip66', 3, BIP66_HEIGHT),
        softfork('bip65', 4, BIP65_HEIGHT),
      ],
      bip9_softforks: bip9,
      warnings: '',
    };
  },
};

const getbestblockhash: RpcMethod = {
  name: 'getbestblockhash',
  argNames: [],
  minParams: 0,
  maxParams: 0,
  run: (_params, node) => node.chain.tip.hash,
};

const getblockcount: RpcMethod = {
  name: 'getblockcount',
  argNames: [],
  minParams: 0,
  maxParams: 0,
  run: (_params, node) => node.chain.height,
};

const getdifficulty: RpcMethod = {
  name: 'getdifficulty',
  argNames: [],
  minParams: 0,
  maxParams: 0,
  run: (_params, node) => new Real(difficulty(node.chain.tip.block.bits)),
};

const getblockhash: RpcMethod = {
  name: 'getblockhash',
  argNames: ['height'],
  minParams: 1,
  maxParams: 1,
  run(params, node) {
    const height = params.int(0);
    if (height < 0 || height > node.chain.height)
      throw new RpcError(RPC.INVALID_PARAMETER, 'Block height out of range');
    return node.chain.active[height]!.hash;
  },
};

const getblockheader: RpcMethod = {
  name: 'getblockheader',
  argNames: ['blockhash', 'verbose'],
  minParams: 1,
  maxParams: 2,
  run(params, node) {
    const text = params.str(0);
    const verbose = params.size > 1 ? params.bool(1) : true;
    const record = findBlock(node.chain, text);
    if (!verbose) return record.block.toHex(true);
    return blockHeaderToJson(node.chain, record);
  },
};

const getblock: RpcMethod = {
  name: 'getblock',
  argNames: ['blockhash', 'verbosity'],
  minParams: 1,
  maxParams: 2,
  run(params, node) {
    const text = params.str(0);
    // Dogecoin 1.14 takes a number (0, 1, 2) or the older boolean (false = 0, true = 1).
    let verbosity = 1;
    if (params.size > 1) verbosity = params.isNum(1) ? params.int(1) : params.bool(1) ? 1 : 0;
    const record = findBlock(node.chain, text);
    if (verbosity <= 0) return record.block.toHex();
    return blockToJson(node.chain, record, verbosity >= 2);
  },
};

const getchaintips: RpcMethod = {
  name: 'getchaintips',
  argNames: [],
  minParams: 0,
  maxParams: 0,
  run(_params, node) {
    const { chain } = node;
    const orphans = [...chain.index.values()].filter((r) => !chain.contains(r));
    const parents = new Set(orphans.map((r) => r.prevHash));
    const tips = orphans.filter((r) => !parents.has(r.hash));
    tips.push(chain.tip);
    tips.sort((a, b) => b.height - a.height || a.seq - b.seq);
    return tips.map((tip) => ({
      height: tip.height,
      hash: tip.hash,
      branchlen: tip.height - chain.forkPoint(tip).height,
      status: chain.contains(tip) ? 'active' : chain.isFailed(tip) ? 'invalid' : 'valid-fork',
    }));
  },
};

/** DynamicMemoryUsage of the pool, estimated from the transactions' sizes (Core measures its heap). */
function mempoolUsage(node: RegtestNode): number {
  return node.mempool.all().reduce((sum, e) => sum + 640 + 2 * e.tx.byteLength(), 0);
}

const getmempoolinfo: RpcMethod = {
  name: 'getmempoolinfo',
  argNames: [],
  minParams: 0,
  maxParams: 0,
  run: (_params, node) => ({
    size: node.mempool.size,
    bytes: node.mempool.totalVsize(),
    usage: mempoolUsage(node),
    maxmempool: MAX_MEMPOOL_BYTES,
    mempoolminfee: new Amount(0n),
  }),
};

const getrawmempool: RpcMethod = {
  name: 'getrawmempool',
  argNames: ['verbose'],
  minParams: 0,
  maxParams: 1,
  run(params, node) {
    const verbose = params.size > 0 ? params.bool(0) : false;
    // mempoolToJSON: the list comes from queryHashes (depth, then fee rate, then txid). The verbose
    // object walks mapTx's salted hash index, an order that differs per node and no client can rely
    // on; it follows the list's order here rather than arrival, so a client that wrongly reads the
    // keys in arrival order (oldest first) is caught here as it would be against a real node.
    const entries = node.mempool.byDepthAndScore();
    if (!verbose) return entries.map((e) => e.txid);
    const out: Record<string, CoreJson> = {};
    for (const entry of entries) out[entry.txid] = mempoolEntryToJson(node.mempool, entry, node.chain.height);
    return out;
  },
};

const getmempoolentry: RpcMethod = {
  name: 'getmempoolentry',
  argNames: ['txid'],
  minParams: 1,
  maxParams: 1,
  run(params, node) {
    const txid = parseHashV(params.raw(0), 'parameter 1');
    const entry = node.mempool.get(txid);
    if (!entry) throw new RpcError(RPC.INVALID_ADDRESS_OR_KEY, 'Transaction not in mempool');
    return mempoolEntryToJson(node.mempool, entry, node.chain.height);
  },
};

const gettxout: RpcMethod = {
  name: 'gettxout',
  argNames: ['txid', 'n', 'include_mempool'],
  minParams: 2,
  maxParams: 3,
  run(params, node) {
    const txid = uint256S(params.str(0));
    const n = params.int(1);
    const includeMempool = params.size > 2 ? params.bool(2) : true;
    let coins: Coins | undefined;
    if (includeMempool) {
      const entry = node.mempool.get(txid);
      coins = entry ? coinsFromTransaction(entry.tx, MEMPOOL_HEIGHT) : node.chain.utxo.get(txid);
      if (!coins || node.mempool.spender(txid, n) !== undefined) return null;
    } else {
      coins = node.chain.utxo.get(txid);
      if (!coins) return null;
    }
    const coin = n >= 0 ? coins.outputs[n] : undefined;
    if (!coin) return null;
    // Core 1.14 still keeps one CCoins record per transaction, so the answer carries its nVersion
    // between scriptPubKey and coinbase (Bitcoin 0.15 dropped it with per-output coins).
    return {
      bestblock: node.chain.tip.hash,
      confirmations: coins.height === MEMPOOL_HEIGHT ? 0 : node.chain.height - coins.height + 1,
      value: new Amount(coin.value),
      scriptPubKey: scriptPubKeyToJson(coin.script, true),
      version: coins.version,
      coinbase: coins.coinbase,
    };
  },
};

const invalidateblock: RpcMethod = {
  name: 'invalidateblock',
  argNames: ['blockhash'],
  minParams: 1,
  maxParams: 1,
  run(params, node) {
    node.invalidateBlock(findBlock(node.chain, params.str(0)));
    return null;
  },
};

const reconsiderblock: RpcMethod = {
  name: 'reconsiderblock',
  argNames: ['blockhash'],
  minParams: 1,
  maxParams: 1,
  run(params, node) {
    node.reconsiderBlock(findBlock(node.chain, params.str(0)));
    return null;
  },
};

export const blockchainMethods: RpcMethod[] = [
  getblockchaininfo,
  getbestblockhash,
  getblockcount,
  getblock,
  getblockhash,
  getblockheader,
  getchaintips,
  getdifficulty,
  getmempoolentry,
  getmempoolinfo,
  getrawmempool,
  gettxout,
  invalidateblock,
  reconsiderblock,
];
