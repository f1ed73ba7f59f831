/**
 * Building blocks the way Dogecoin Core 1.14's regtest miner does (src/miner.cpp, src/rpc/mining.cpp):
 * a coinbase whose scriptSig is <height> <extranonce>, paying the subsidy plus fees and a zero-value
 * OP_RETURN witness commitment (GenerateCoinbaseCommitment; segwit is deployed but never active on
 * Dogecoin, so the commitment is present and the coinbase carries no witness), nVersion 0x00620004,
 * and real scrypt proof of work against 0x207fffff (about two tries per block). The layout matches
 * the blocks in Dogecoin's qa/rpc-tests/data/getblock.json byte for byte.
 */
import { scryptSync } from 'node:crypto';
import { Block, script as bscript, Transaction } from 'bitcoinjs-lib';
import { MINED_BLOCK_VERSION, POW_LIMIT_BITS } from './consensus.js';
import { OP } from './script.js';

const ZERO_HASH = new Uint8Array(32);
const WITNESS_COMMITMENT_HEADER = Uint8Array.of(0xaa, 0x21, 0xa9, 0xed);

/** CScript() << nHeight: OP_N for 1..16, otherwise a minimal CScriptNum push. */
function heightPush(height: number): Uint8Array {
  if (height === 0) return Uint8Array.of(OP.OP_0);
  if (height >= 1 && height <= 16) return Uint8Array.of(OP.OP_1 + height - 1);
  const encoded = bscript.number.encode(height);
  return Uint8Array.from([encoded.length, ...encoded]);
}

/** IncrementExtraNonce: scriptSig = <height> <CScriptNum(extraNonce)>, the extranonce always pushed as data. */
export function coinbaseScriptSig(height: number, extraNonce: number): Uint8Array {
  const extra = bscript.number.encode(extraNonce);
  return Uint8Array.from([...heightPush(height), extra.length, ...extra]);
}

export function buildCoinbase(
  height: number,
  extraNonce: number,
  payTo: Uint8Array,
  value: bigint,
): Transaction {
  const tx = new Transaction();
  tx.version = 1;
  tx.addInput(ZERO_HASH, 0xffffffff, 0xffffffff, coinbaseScriptSig(height, extraNonce));
  tx.addOutput(payTo, value);
  tx.addOutput(Uint8Array.from([OP.OP_RETURN, 0x24, ...WITNESS_COMMITMENT_HEADER, ...ZERO_HASH]), 0n);
  return tx;
}

/** GenerateCoinbaseCommitment: hash256(witness merkle root || 32-byte zero witness nonce). */
export function setWitnessCommitment(coinbase: Transaction, others: Transaction[]): void {
  const withNonce = coinbase.clone();
  withNonce.ins[0]!.witness = [ZERO_HASH];
  const commitment = Block.calculateMerkleRoot([withNonce, ...others], true);
  coinbase.outs[1]!.script = Uint8Array.from([
    OP.OP_RETURN,
    0x24,
    ...WITNESS_COMMITMENT_HEADER,
    ...commitment,
  ]);
}

/** arith_uint256::SetCompact for positive targets. */
export function targetFromBits(bits: number): bigint {
  const exponent = bits >>> 24;
  const mantissa = BigInt(bits & 0x007fffff);
  return exponent <= 3 ? mantissa >> BigInt(8 * (3 - exponent)) : mantissa << BigInt(8 * (exponent - 3));
}

/** GetBlockProof: ~target / (target + 1) + 1. */
export function blockProof(bits: number): bigint {
  const target = targetFromBits(bits);
  const max = (1n << 256n) - 1n;
  return (max - target) / (target + 1n) + 1n;
}

/** GetDifficulty (src/rpc/blockchain.cpp), as the double Core computes. */
export function difficulty(bits: number): number {
  let shift = (bits >>> 24) & 0xff;
  let diff = 0x0000ffff / (bits & 0x00ffffff);
  while (shift < 29) {
    diff *= 256.0;
    shift++;
  }
  while (shift > 29) {
    diff /= 256.0;
    shift--;
  }
  return diff;
}

/** Dogecoin's proof of work is scrypt(N=1024, r=1, p=1) of the 80-byte header (GetPoWHash). */
export function powHash(header: Uint8Array): bigint {
  const hash = scryptSync(header, header, 32, { N: 1024, r: 1, p: 1 });
  return BigInt(`0x${Buffer.from(hash).reverse().toString('hex')}`);
}

export interface MinedBlock {
  block: Block;
  /** Failed nonces, which is what generate's maxtries counts down. */
  triesUsed: number;
}

/**
 * Assemble the header and grind the nonce like generateBlocks does: each failed nonce costs one of
 * maxTries, and running out returns null, which is what makes `generate n maxtries` stop early.
 */
export function mineBlock(
  prevHash: string,
  time: number,
  transactions: Transaction[],
  triesLeft: number,
): MinedBlock | null {
  const block = new Block();
  block.version = MINED_BLOCK_VERSION;
  block.prevHash = Buffer.from(prevHash, 'hex').reverse();
  block.merkleRoot = Block.calculateMerkleRoot(transactions);
  block.timestamp = time;
  block.bits = POW_LIMIT_BITS;
  block.transactions = transactions;
  const target = targetFromBits(POW_LIMIT_BITS);
  for (let triesUsed = 0; triesLeft - triesUsed > 0; triesUsed++) {
    if (powHash(block.toBuffer(true)) <= target) return { block, triesUsed };
    block.nonce++;
  }
  return null;
}

export const blockHashOf = (block: Block): string => block.getId();
