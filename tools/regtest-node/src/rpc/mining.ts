/**
 * The generating and fee-estimation methods of Dogecoin Core 1.14 (src/rpc/mining.cpp). `generate`
 * behaves as on a node with its wallet enabled (Core's default): coinbases pay a P2PK output to a
 * wallet key, here the faucet's. The fee estimator never has data on this simulator, which is also
 * what a fresh regtest node answers (feerate -1).
 */
import { MAX_BLOCK_CONFIRMS } from '../consensus.js';
import { Real } from '../core-json.js';
import { decodeRegtestAddress } from '../script.js';
import type { RpcMethod } from './method.js';
import { RPC, RpcError } from './protocol.js';

const DEFAULT_MAX_TRIES = 1_000_000;

const generate: RpcMethod = {
  name: 'generate',
  argNames: ['nblocks', 'maxtries'],
  minParams: 1,
  maxParams: 2,
  run(params, node) {
    const count = params.int(0);
    const maxTries = params.size > 1 ? params.int(1) : DEFAULT_MAX_TRIES;
    return node.generate(count, node.faucetP2pkScript(), maxTries);
  },
};

const generatetoaddress: RpcMethod = {
  name: 'generatetoaddress',
  argNames: ['nblocks', 'address', 'maxtries'],
  minParams: 2,
  maxParams: 3,
  run(params, node) {
    const count = params.int(0);
    const maxTries = params.size > 2 ? params.int(2) : DEFAULT_MAX_TRIES;
    const script = decodeRegtestAddress(params.str(1));
    if (!script) throw new RpcError(RPC.INVALID_ADDRESS_OR_KEY, 'Error: Invalid address');
    return node.generate(count, script, maxTries);
  },
};

const estimatefee: RpcMethod = {
  name: 'estimatefee',
  argNames: ['nblocks'],
  minParams: 1,
  maxParams: 1,
  run(params) {
    params.typeCheck(['number']);
    params.int(0);
    return new Real(-1);
  },
};

const estimatesmartfee: RpcMethod = {
  name: 'estimatesmartfee',
  argNames: ['nblocks'],
  minParams: 1,
  maxParams: 1,
  run(params) {
    params.typeCheck(['number']);
    const target = params.int(0);
    // CBlockPolicyEstimator::estimateSmartFee without data: an untracked target answers itself,
    // a tracked one searches every target up to MAX_BLOCK_CONFIRMS and reports the last.
    const blocks = target <= 0 || target > MAX_BLOCK_CONFIRMS ? target : MAX_BLOCK_CONFIRMS;
    return { feerate: new Real(-1), blocks };
  },
};

export const miningMethods: RpcMethod[] = [generate, generatetoaddress, estimatefee, estimatesmartfee];
