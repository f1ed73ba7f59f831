/**
 * Reads a block from its serialized bytes (getblock <hash> 0) into the chain domain's types, instead
 * of parsing megabytes of verbosity-2 JSON. Transactions are decoded by bitcoinjs-lib
 * (Transaction.fromBuffer over its BufferReader); what is Dogecoin's own is skipped on purpose:
 *
 *   header (80 bytes)
 *   [AuxPoW, when the version has the 0x100 flag: merge-mined blocks on mainnet and testnet]
 *     parent coinbase transaction, parent block hash (32), coinbase merkle branch
 *     (varint n, n * 32, int32 index), blockchain merkle branch (same), parent header (80)
 *   varint transaction count, the transactions (legacy serialization: Dogecoin has no SegWit)
 *
 * Amounts are the outputs' 8-byte values, read as bigint koinu: exact by construction. The header must
 * hash to the block asked for, the transactions must hash to the header's merkle root, and the bytes
 * must end exactly after the last transaction. Anything else (a witness, trailing bytes, a truncated
 * block) is a RawBlockError, and the node adapter falls back to the JSON answer for that block.
 *
 * Hex strings are cut from the node's answer rather than re-encoded: V8 slices a long string without
 * copying, so a block's txids, scripts and transaction hex cost one small object each, not a copy.
 */
import crypto from 'node:crypto';
import { Transaction } from 'bitcoinjs-lib';
import { BufferReader } from 'bitcoinjs-lib/src/bufferutils';
import { fastMerkleRoot } from 'bitcoinjs-lib/src/merkle';
import type { ChainBlock, ChainOutput, ChainTransaction } from '../../domain/chain.js';

/** VERSION_AUXPOW (Dogecoin Core src/primitives/pureheader.h): an AuxPoW follows the header. */
export const AUXPOW_VERSION_FLAG = 0x100;
const HEADER_BYTES = 80;
const HASH_BYTES = 32;

/** The bytes are not a block the raw path can read; the caller may ask for the JSON instead. */
export class RawBlockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RawBlockError';
  }
}

/**
 * SHA-256d, twice per transaction of a block (its txid, then the merkle tree). Node's one-shot
 * `crypto.hash` (20.12+) skips the Hash object that `createHash` builds per call, which made up half of
 * a full block's decode in a CPU profile (4,424 transactions: ~39 -> ~22 ms for the txids alone). An
 * older Node 20 keeps `createHash`.
 */
const hash256: (bytes: Uint8Array) => Buffer =
  typeof crypto.hash === 'function'
    ? (bytes) => crypto.hash('sha256', crypto.hash('sha256', bytes, 'buffer'), 'buffer')
    : (bytes) =>
        crypto.createHash('sha256').update(crypto.createHash('sha256').update(bytes).digest()).digest();

/** A hash as Core prints it: the bytes reversed, in hex. */
function displayHex(hash: Uint8Array): string {
  return Buffer.from(hash).reverse().toString('hex');
}

/** One transaction at the reader's offset, and the offset after it. */
function readTransaction(reader: BufferReader): { transaction: Transaction; start: number; end: number } {
  const start = reader.offset;
  const transaction = Transaction.fromBuffer(reader.buffer.subarray(start), true);
  const end = start + transaction.byteLength();
  if (end > reader.buffer.length) throw new RawBlockError(`transaction at byte ${start} runs past the block`);
  reader.offset = end;
  return { transaction, start, end };
}

function skipMerkleBranch(reader: BufferReader): void {
  const hashes = reader.readVarInt();
  if (hashes > BigInt(Math.floor((reader.buffer.length - reader.offset) / HASH_BYTES)))
    throw new RawBlockError(`a merkle branch of ${hashes} hashes exceeds the block`);
  reader.readSlice(Number(hashes) * HASH_BYTES);
  reader.readInt32(); // the branch's side mask (nIndex)
}

/**
 * Skips a CAuxPow (Dogecoin Core src/auxpow.h) at the reader's offset. Its proof of work was checked
 * by the node; the watcher only needs to know where the block's own transactions start.
 */
export function skipAuxPow(reader: BufferReader): void {
  readTransaction(reader); // the parent chain's coinbase, committing to this block
  reader.readSlice(HASH_BYTES); // parent block hash (CMerkleTx::hashBlock, unused by Core)
  skipMerkleBranch(reader); // coinbase -> parent merkle root
  skipMerkleBranch(reader); // this block -> the coinbase's merge-mining root
  reader.readSlice(HEADER_BYTES); // the parent block's header
}

/** Whether a header's version says an AuxPoW follows it. */
export function hasAuxPow(version: number): boolean {
  return (version & AUXPOW_VERSION_FLAG) !== 0;
}

function outputsOf(transaction: Transaction, bytes: Buffer, hex: string): ChainOutput[] {
  return transaction.outs.map((output, vout) => {
    const at = output.script.byteOffset - bytes.byteOffset;
    return {
      vout,
      valueKoinu: output.value,
      scriptPubKeyHex: hex.substring(2 * at, 2 * (at + output.script.length)),
    };
  });
}

/**
 * The block at `expected` from its serialized hex (lower-case, whole bytes, as getBlockHex checked).
 * Throws RawBlockError when the bytes are not exactly that block.
 */
export function decodeRawBlock(hex: string, expected: { hash: string; height: number }): ChainBlock {
  try {
    return decodeBytes(hex, expected);
  } catch (error) {
    if (error instanceof RawBlockError) throw error;
    // bitcoinjs-lib's reader throws plain Errors (out of bounds, bad varint).
    throw new RawBlockError(error instanceof Error ? error.message : String(error));
  }
}

function decodeBytes(hex: string, expected: { hash: string; height: number }): ChainBlock {
  const bytes = Buffer.from(hex, 'hex');
  if (bytes.length < HEADER_BYTES) throw new RawBlockError(`${bytes.length} bytes is shorter than a header`);
  const header = bytes.subarray(0, HEADER_BYTES);
  const hash = displayHex(hash256(header));
  if (hash !== expected.hash) throw new RawBlockError(`asked for block ${expected.hash}, got ${hash}`);
  const reader = new BufferReader(bytes);
  const version = reader.readInt32();
  const previous = reader.readSlice(HASH_BYTES);
  const merkleRoot = reader.readSlice(HASH_BYTES);
  reader.offset = HEADER_BYTES;
  if (hasAuxPow(version)) skipAuxPow(reader);

  const count = reader.readVarInt();
  if (count === 0n) throw new RawBlockError('a block has at least its coinbase');
  const transactions: ChainTransaction[] = [];
  const hashes: Buffer[] = [];
  for (let index = 0n; index < count; index += 1n) {
    const { transaction, start, end } = readTransaction(reader);
    if (transaction.hasWitnesses()) throw new RawBlockError(`transaction ${index} carries a witness`);
    const txHash = hash256(bytes.subarray(start, end));
    hashes.push(txHash);
    transactions.push({
      txid: displayHex(txHash),
      outputs: outputsOf(transaction, bytes, hex),
      hex: hex.substring(2 * start, 2 * end),
    });
  }
  if (reader.offset !== bytes.length)
    throw new RawBlockError(`${bytes.length - reader.offset} bytes after the last transaction`);
  if (!Buffer.from(fastMerkleRoot(hashes, hash256)).equals(merkleRoot))
    throw new RawBlockError("the transactions do not hash to the header's merkle root");

  const previousHash = displayHex(previous);
  return {
    height: expected.height,
    hash,
    previousHash: expected.height === 0 ? null : previousHash,
    transactions,
  };
}
