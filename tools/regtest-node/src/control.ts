/**
 * The test control surface, under /control/ on the RPC port with the same basic auth. It is not part
 * of Core's contract (services never call it); tests and the CLI use it to fund addresses, mine,
 * stage reorgs, drop mempool transactions, congest block assembly and inject transport faults. Bodies
 * and answers are JSON; amounts are DOGE decimal strings; errors follow the platform's
 * { "error": { code, message } }.
 */
import { formatDoge, MoneyError, parseDoge } from '@dbay/money';
import { regtest } from '@dbay/dogecoin';
import { address as baddress } from 'bitcoinjs-lib';
import { crypto } from 'bitcoinjs-lib';
import { COIN } from './consensus.js';
import { FaucetError, fund, type Payment } from './faucet.js';
import type { RegtestNode } from './node.js';
import { decodeRegtestAddress } from './script.js';

export type FaultMode = 'garbage' | '500' | 'down' | 'hang';
export const FAULT_MODES: readonly FaultMode[] = ['garbage', '500', 'down', 'hang'];

export interface FaultControl {
  setFault(mode: FaultMode | 'none', forMs: number): { mode: FaultMode | 'none'; until: string | null };
  currentFault(): FaultMode | 'none';
}

export type ControlErrorCode =
  | 'REGTEST_BAD_REQUEST'
  | 'REGTEST_UNKNOWN_COMMAND'
  | 'REGTEST_NOT_IN_MEMPOOL'
  | 'REGTEST_FAUCET_INSUFFICIENT_FUNDS'
  | 'REGTEST_FAUCET_REJECTED';

export class ControlError extends Error {
  constructor(
    readonly code: ControlErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}

/** The one table from control error codes to HTTP statuses. */
export const CONTROL_STATUS: Record<ControlErrorCode, number> = {
  REGTEST_BAD_REQUEST: 400,
  REGTEST_UNKNOWN_COMMAND: 404,
  REGTEST_NOT_IN_MEMPOOL: 404,
  REGTEST_FAUCET_INSUFFICIENT_FUNDS: 409,
  REGTEST_FAUCET_REJECTED: 422,
};

/** Longest fault and largest mining/reorg request the control surface accepts. */
const MAX_FAULT_MS = 10 * 60 * 1000;
const MAX_BLOCKS_PER_CALL = 10_000;
/** Highest congestion floor accepted: 100 DOGE/kB, the -maxtxfee a whole transaction may pay. */
const MAX_CONGESTION_FEE_PER_KB = 100n * COIN;

type Body = Record<string, unknown>;

const bad = (message: string): ControlError => new ControlError('REGTEST_BAD_REQUEST', message);

function integer(body: Body, key: string, min: number, max: number, fallback?: number): number {
  const value = body[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw bad(`"${key}" must be an integer from ${min} to ${max}`);
  }
  return value;
}

function addressScript(text: unknown): Uint8Array {
  const script = typeof text === 'string' ? decodeRegtestAddress(text) : null;
  if (!script) throw bad(`"${String(text)}" is not a regtest address`);
  return script;
}

function payments(body: Body): Payment[] {
  const list = Array.isArray(body.outputs) ? (body.outputs as unknown[]) : [body];
  if (list.length === 0) throw bad('"outputs" must list at least one {address, amount}');
  return list.map((item) => {
    const output = (item ?? {}) as Body;
    try {
      return { script: addressScript(output.address), value: parseDoge(output.amount) };
    } catch (error) {
      if (error instanceof MoneyError) throw bad(error.message);
      throw error;
    }
  });
}

/** "minFeePerKb": a positive DOGE decimal string up to 100 DOGE/kB, or null to clear the floor. */
function congestionFloor(body: Body): bigint | null {
  const value = body.minFeePerKb;
  if (value === null) return null;
  if (typeof value !== 'string') throw bad('"minFeePerKb" must be a DOGE decimal string or null');
  let floor: bigint;
  try {
    floor = parseDoge(value);
  } catch (error) {
    if (error instanceof MoneyError) throw bad(`"minFeePerKb": ${error.message}`);
    throw error;
  }
  if (floor > MAX_CONGESTION_FEE_PER_KB) {
    throw bad(`"minFeePerKb" must be at most ${formatDoge(MAX_CONGESTION_FEE_PER_KB)} DOGE/kB`);
  }
  return floor;
}

const formatFloor = (floor: bigint | null): string | null => (floor === null ? null : formatDoge(floor));

function txids(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v))) {
    throw bad('"drop" must be a list of txids');
  }
  return value as string[];
}

export function faucetAddress(node: RegtestNode): string {
  return baddress.toBase58Check(crypto.hash160(node.faucet.publicKey), regtest.pubKeyHash);
}

export function runControl(command: string, body: Body, node: RegtestNode, faults: FaultControl): unknown {
  switch (command) {
    case 'status':
      return {
        height: node.chain.height,
        bestBlockHash: node.chain.tip.hash,
        mempoolSize: node.mempool.size,
        faucetAddress: faucetAddress(node),
        faucetMatureBalance: formatDoge(node.faucetMatureBalance()),
        fault: faults.currentFault(),
        congestionMinFeePerKb: formatFloor(node.congestionMinFeePerKb),
      };
    case 'fund': {
      try {
        const tx = fund(node, payments(body));
        return { txid: tx.getId(), hex: tx.toHex() };
      } catch (error) {
        if (error instanceof FaucetError) throw new ControlError(error.code, error.message);
        throw error;
      }
    }
    case 'mine': {
      const blocks = integer(body, 'blocks', 1, MAX_BLOCKS_PER_CALL, 1);
      const payTo = body.address === undefined ? node.faucetP2pkScript() : addressScript(body.address);
      return { blockHashes: node.generate(blocks, payTo) };
    }
    case 'reorg': {
      const depth = integer(body, 'depth', 1, node.chain.height);
      const blocks = integer(body, 'blocks', depth + 1, depth + MAX_BLOCKS_PER_CALL, depth + 1);
      const payTo = body.address === undefined ? node.faucetP2pkScript() : addressScript(body.address);
      return node.reorg({
        depth,
        blocks,
        drop: txids(body.drop),
        dropReturned: body.dropReturned === true,
        payTo,
      });
    }
    case 'drop-mempool': {
      const [txid] = txids([body.txid]);
      if (!node.mempool.has(txid!))
        throw new ControlError('REGTEST_NOT_IN_MEMPOOL', `${txid} is not in the mempool`);
      return { dropped: node.dropFromMempool(txid!).map((e) => e.txid) };
    }
    case 'congestion': {
      node.congestionMinFeePerKb = congestionFloor(body);
      return { minFeePerKb: formatFloor(node.congestionMinFeePerKb) };
    }
    case 'fault': {
      const mode = body.mode;
      if (mode !== 'none' && !FAULT_MODES.includes(mode as FaultMode)) {
        throw bad(`"mode" must be one of none, ${FAULT_MODES.join(', ')}`);
      }
      const forMs = mode === 'none' ? 0 : integer(body, 'forMs', 1, MAX_FAULT_MS);
      return faults.setFault(mode as FaultMode | 'none', forMs);
    }
    default:
      throw new ControlError('REGTEST_UNKNOWN_COMMAND', `unknown control command "${command}"`);
  }
}
