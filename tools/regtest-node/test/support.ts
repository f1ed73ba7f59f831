/**
 * Test support: an in-process simulator on a random port with a fresh data directory, a JSON-RPC
 * client that keeps Core's HTTP status and error object, the control client, and a P2PKH wallet
 * that signs the way the platform's signer does (legacy SIGHASH_ALL via bitcoinjs-lib).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crypto, payments, script as bscript, Transaction } from 'bitcoinjs-lib';
import { regtest } from '@dbay/dogecoin';
import { ECPair, startRegtestNode, type RunningSimulator } from '../src/index.js';
import type { ECPairInterface } from 'ecpair';

export const USER = 'dbay';
export const PASSWORD = 'test-password';
export const AUTH = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

export const freshDataDir = (): string => mkdtempSync(join(tmpdir(), 'regtest-node-'));

/** The parts of Core's replies the tests read. */
export interface RpcReply {
  result: unknown;
  error: { code: number; message: string } | null;
  id: unknown;
}
export interface ScriptPubKeyJson {
  asm: string;
  hex: string;
  reqSigs?: number;
  type: string;
  addresses?: string[];
}
export interface VoutJson {
  value: number;
  n: number;
  scriptPubKey: ScriptPubKeyJson;
}
export interface VinJson {
  coinbase?: string;
  txid?: string;
  vout?: number;
  scriptSig?: { asm: string; hex: string };
  sequence: number;
}
export interface TxJson {
  txid: string;
  hash: string;
  vin: VinJson[];
  vout: VoutJson[];
  blockhash?: string;
  confirmations?: number;
  [key: string]: unknown;
}
export interface BlockJson<Tx = string> {
  hash: string;
  confirmations: number;
  height: number;
  size: number;
  weight: number;
  tx: Tx[];
  [key: string]: unknown;
}
export interface MempoolEntryJson {
  size: number;
  fee: number;
  time: number;
  descendantfees: number;
  [key: string]: unknown;
}
export interface ChainTipJson {
  height: number;
  hash: string;
  branchlen: number;
  status: string;
}
export interface ControlReply<T> {
  result?: T;
  error?: { code: string; message: string };
}
export interface GetTxOutJson {
  bestblock: string;
  confirmations: number;
  value: number;
  scriptPubKey: ScriptPubKeyJson;
  version: number;
  coinbase: boolean;
}
export interface ReorgResult {
  disconnected: string[];
  connected: string[];
  dropped: string[];
}
export interface StatusResult {
  faucetAddress: string;
  [key: string]: unknown;
}

export interface Harness {
  sim: RunningSimulator;
  dataDir: string;
  /** One request; the HTTP status, the raw text and the parsed JSON (undefined when it is not JSON). */
  post<T = RpcReply>(
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; text: string; json: T }>;
  /** The result, or throws RpcFailure with Core's code and message. */
  call<T = unknown>(method: string, ...params: unknown[]): Promise<T>;
  control<T = Record<string, unknown>>(
    command: string,
    body?: unknown,
  ): Promise<{ status: number; json: ControlReply<T> }>;
  /** A control command that must succeed: its result, or throws with the reply. */
  controlOk<T = Record<string, unknown>>(command: string, body?: unknown): Promise<T>;
  /** A control command that must fail: the HTTP status and the coded error. */
  controlError(command: string, body?: unknown): Promise<{ status: number; code: string; message: string }>;
  stop(): Promise<void>;
}

export class RpcFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startHarness(dataDir = freshDataDir()): Promise<Harness> {
  const sim = await startRegtestNode({
    dataDir,
    port: 0,
    user: USER,
    password: PASSWORD,
    log: () => undefined,
  });
  async function control<T>(command: string, body: unknown = {}) {
    const response = await fetch(`${sim.url}/control/${command}`, {
      method: 'POST',
      headers: { authorization: AUTH },
      body: JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as ControlReply<T> };
  }
  async function post<T>(body: unknown, headers: Record<string, string> = { authorization: AUTH }) {
    const response = await fetch(`${sim.url}/`, { method: 'POST', headers, body: JSON.stringify(body) });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, text, json: json as T };
  }
  return {
    sim,
    dataDir,
    post,
    async call<T>(method: string, ...params: unknown[]): Promise<T> {
      const reply = await post<RpcReply | undefined>({ jsonrpc: '1.0', id: 'test', method, params });
      if (!reply.json) throw new Error(`not JSON: ${reply.text}`);
      if (reply.json.error)
        throw new RpcFailure(reply.status, reply.json.error.code, reply.json.error.message);
      return reply.json.result as T;
    },
    control,
    async controlOk<T>(command: string, body: unknown = {}): Promise<T> {
      const reply = await control<T>(command, body);
      if (reply.status !== 200 || reply.json.result === undefined) {
        throw new Error(`control ${command} failed: ${reply.status} ${JSON.stringify(reply.json)}`);
      }
      return reply.json.result;
    },
    async controlError(command: string, body: unknown = {}) {
      const reply = await control(command, body);
      if (!reply.json.error)
        throw new Error(`control ${command} was expected to fail: ${JSON.stringify(reply.json)}`);
      return { status: reply.status, ...reply.json.error };
    },
    stop: () => sim.stop(),
  };
}

/** Expect a call to fail with exactly this HTTP status, code and message. */
export async function rpcError(promise: Promise<unknown>): Promise<RpcFailure> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RpcFailure) return error;
    throw error;
  }
  throw new Error('expected the RPC call to fail');
}

export interface Wallet {
  key: ECPairInterface;
  address: string;
  script: Uint8Array;
}

export function newWallet(): Wallet {
  const key = ECPair.makeRandom({ network: regtest });
  const payment = payments.p2pkh({ pubkey: key.publicKey, network: regtest });
  return { key, address: payment.address!, script: payment.output! };
}

export interface FundResult {
  txid: string;
  hex: string;
}

export interface Prevout {
  txid: string;
  vout: number;
  script: Uint8Array;
  value: bigint;
}

/** Fund a fresh wallet from the faucet, mine it in, and return the spendable output. */
export async function fundedOutput(
  h: Harness,
  amount: string,
  confirmations = 1,
): Promise<Prevout & { wallet: Wallet }> {
  const wallet = newWallet();
  const funded = await h.control<FundResult>('fund', { address: wallet.address, amount });
  if (!funded.json.result) throw new Error(JSON.stringify(funded.json));
  const tx = Transaction.fromHex(funded.json.result.hex);
  if (confirmations > 0) await h.control('mine', { blocks: confirmations });
  return { wallet, txid: tx.getId(), vout: 0, script: tx.outs[0]!.script, value: tx.outs[0]!.value };
}

export interface Spend {
  inputs: { prevout: Prevout; key: ECPairInterface; sequence?: number }[];
  outputs: { script: Uint8Array; value: bigint }[];
  version?: number;
  locktime?: number;
}

/** A legacy P2PKH/P2PK spend signed with SIGHASH_ALL. */
export function signedSpend(spend: Spend): Transaction {
  const tx = new Transaction();
  tx.version = spend.version ?? 1;
  tx.locktime = spend.locktime ?? 0;
  for (const { prevout, sequence } of spend.inputs) {
    tx.addInput(Buffer.from(prevout.txid, 'hex').reverse(), prevout.vout, sequence);
  }
  for (const out of spend.outputs) tx.addOutput(out.script, out.value);
  spend.inputs.forEach(({ prevout, key }, i) => {
    const hash = tx.hashForSignature(i, prevout.script, Transaction.SIGHASH_ALL);
    const sig = bscript.signature.encode(key.sign(hash), Transaction.SIGHASH_ALL);
    const isP2pkh = prevout.script.length === 25;
    tx.setInputScript(i, bscript.compile(isP2pkh ? [sig, key.publicKey] : [sig]));
  });
  return tx;
}

export const p2pkhScript = (pubkey: Uint8Array): Uint8Array =>
  Uint8Array.from([0x76, 0xa9, 0x14, ...crypto.hash160(pubkey), 0x88, 0xac]);
