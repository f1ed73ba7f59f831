/** getnetworkinfo and friends (src/rpc/net.cpp) and the util methods (src/rpc/misc.cpp). */
import { crypto } from 'bitcoinjs-lib';
import {
  CLIENT_VERSION,
  HARD_DUST_LIMIT,
  INCREMENTAL_RELAY_FEE_PER_KB,
  LOCAL_SERVICES,
  MIN_RELAY_TX_FEE_PER_KB,
  PROTOCOL_VERSION,
  SOFT_DUST_LIMIT,
  SUB_VERSION,
} from '../consensus.js';
import { Amount, type CoreJson } from '../core-json.js';
import { decodeRegtestAddress, solve } from '../script.js';
import type { RpcMethod } from './method.js';

/** GetNetworksInfo with no proxy configured: onion is limited and unreachable. */
const network = (name: string, reachable: boolean): CoreJson => ({
  name,
  limited: !reachable,
  reachable,
  proxy: '',
  proxy_randomize_credentials: false,
});

const getnetworkinfo: RpcMethod = {
  name: 'getnetworkinfo',
  argNames: [],
  minParams: 0,
  maxParams: 0,
  run: () => ({
    version: CLIENT_VERSION,
    subversion: SUB_VERSION,
    protocolversion: PROTOCOL_VERSION,
    localservices: LOCAL_SERVICES,
    localrelay: true,
    timeoffset: 0,
    networkactive: true,
    connections: 0,
    networks: [network('ipv4', true), network('ipv6', true), network('onion', false)],
    relayfee: new Amount(MIN_RELAY_TX_FEE_PER_KB),
    incrementalfee: new Amount(INCREMENTAL_RELAY_FEE_PER_KB),
    softdustlimit: new Amount(SOFT_DUST_LIMIT),
    harddustlimit: new Amount(HARD_DUST_LIMIT),
    localaddresses: [],
    warnings: '',
  }),
};

const getconnectioncount: RpcMethod = {
  name: 'getconnectioncount',
  argNames: [],
  minParams: 0,
  maxParams: 0,
  run: () => 0,
};

/** validateaddress on a node with a wallet: ismine and the pubkey only for the wallet's (faucet) key. */
const validateaddress: RpcMethod = {
  name: 'validateaddress',
  argNames: ['address'],
  minParams: 1,
  maxParams: 1,
  run(params, node) {
    const text = params.str(0);
    const script = decodeRegtestAddress(text);
    if (!script) return { isvalid: false };
    const isScript = solve(script).type === 'scripthash';
    const faucetHash = Buffer.from(crypto.hash160(node.faucet.publicKey)).toString('hex');
    const mine = !isScript && Buffer.from(script.subarray(3, 23)).toString('hex') === faucetHash;
    const out: Record<string, CoreJson> = {
      isvalid: true,
      address: text,
      scriptPubKey: Buffer.from(script).toString('hex'),
      ismine: mine,
      iswatchonly: false,
      isscript: isScript,
    };
    if (mine) {
      out.pubkey = Buffer.from(node.faucet.publicKey).toString('hex');
      out.iscompressed = true;
    }
    return out;
  },
};

const setmocktime: RpcMethod = {
  name: 'setmocktime',
  argNames: ['timestamp'],
  minParams: 1,
  maxParams: 1,
  run(params, node) {
    params.typeCheck(['number']);
    node.setMockTime(params.int64(0));
    return null;
  },
};

export const networkMethods: RpcMethod[] = [getnetworkinfo, getconnectioncount, validateaddress, setmocktime];
