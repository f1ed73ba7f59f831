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

/**
 * A decoded block as offsets into its own hex, flat: what `decodeRawBlockLayout` finds (bitcoinjs-lib
 * reads the transactions; nothing here reads a byte of one), in a shape a worker thread can hand back
 * without a copy (three typed arrays, transferred, and one string). `blockFromLayout` turns it into the
 * chain domain's types on the event loop by cutting strings from the hex it already holds: sent as
 * objects instead, a full block's ~13,000 of them cost the event loop ~100 ms to receive, as much as
 * decoding it. (The hex itself goes to the worker as bytes, transferred: posting the 2 MB string
 * cost ~10 ms of serializing.)
 */
export interface RawBlockLayout {
  hash: string;
  height: number;
  previousHash: string | null;
  /** The transactions' txids as Core prints them, 64 hex characters each, in block order, joined. */
  txids: string;
  /** Per transaction, three numbers: its first byte, the byte after its last, and the index after its last output in `scripts`/`values`. */
  transactions: Uint32Array;
  /** Per output (all transactions' in order), two numbers: the first byte of its script and the byte after it. */
  scripts: Uint32Array;
  /** Per output, its value: koinu, the serialized 8-byte integer as it is. */
  values: BigInt64Array;
}

/** The buffers to transfer (rather than copy) when a layout is posted to another thread. */
export function transferablesOf(layout: RawBlockLayout): ArrayBuffer[] {
  return [layout.transactions.buffer, layout.scripts.buffer, layout.values.buffer] as ArrayBuffer[];
}

/**
 * The block at `expected` from its serialized hex (lower-case, whole bytes, as getBlockHex checked).
 * Throws RawBlockError when the bytes are not exactly that block.
 */
export function decodeRawBlock(hex: string, expected: { hash: string; height: number }): ChainBlock {
  return blockFromLayout(hex, decodeRawBlockLayout(bytesOfHex(hex), expected));
}

/**
 * The bytes of a block's hex in an ArrayBuffer of their own (never Buffer's shared pool, which small
 * buffers come from), so they can be transferred to a worker thread.
 */
export function bytesOfHex(hex: string): Buffer {
  const bytes = Buffer.from(new ArrayBuffer(hex.length >>> 1));
  if (bytes.write(hex, 'hex') !== bytes.length || hex.length % 2 !== 0)
    throw new RawBlockError('the block is not whole bytes of hex');
  return bytes;
}

/** `decodeRawBlock` up to the layout, from the bytes: all of the checks, none of the per-transaction objects. */
export function decodeRawBlockLayout(
  bytes: Buffer,
  expected: { hash: string; height: number },
): RawBlockLayout {
  try {
    return decodeBytes(bytes, expected);
  } catch (error) {
    if (error instanceof RawBlockError) throw error;
    // bitcoinjs-lib's reader throws plain Errors (out of bounds, bad varint).
    throw new RawBlockError(error instanceof Error ? error.message : String(error));
  }
}

/** The chain domain's block from `hex` and its layout; strings are cut from `hex`, never re-encoded. */
export function blockFromLayout(hex: string, layout: RawBlockLayout): ChainBlock {
  const { txids, transactions: bounds, scripts, values } = layout;
  const count = bounds.length / 3;
  const transactions = new Array<ChainTransaction>(count);
  let output = 0;
  for (let index = 0; index < count; index += 1) {
    const outputsEnd = bounds[3 * index + 2]!;
    const outputs: ChainOutput[] = [];
    for (let vout = 0; output < outputsEnd; vout += 1, output += 1) {
      outputs.push({
        vout,
        valueKoinu: values[output]!,
        scriptPubKeyHex: hex.substring(2 * scripts[2 * output]!, 2 * scripts[2 * output + 1]!),
      });
    }
    transactions[index] = {
      txid: txids.substring(64 * index, 64 * (index + 1)),
      outputs,
      hex: hex.substring(2 * bounds[3 * index]!, 2 * bounds[3 * index + 1]!),
    };
  }
  return { height: layout.height, hash: layout.hash, previousHash: layout.previousHash, transactions };
}

function decodeBytes(bytes: Buffer, expected: { hash: string; height: number }): RawBlockLayout {
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
  const txids: string[] = [];
  const bounds: number[] = [];
  const scripts: number[] = [];
  const values: bigint[] = [];
  const hashes: Buffer[] = [];
  for (let index = 0n; index < count; index += 1n) {
    const { transaction, start, end } = readTransaction(reader);
    if (transaction.hasWitnesses()) throw new RawBlockError(`transaction ${index} carries a witness`);
    const txHash = hash256(bytes.subarray(start, end));
    hashes.push(txHash);
    txids.push(displayHex(txHash));
    for (const out of transaction.outs) {
      // The script is a view into `bytes` (BufferReader slices a Buffer without copying).
      const at = out.script.byteOffset - bytes.byteOffset;
      scripts.push(at, at + out.script.length);
      values.push(out.value);
    }
    bounds.push(start, end, values.length);
  }
  if (reader.offset !== bytes.length)
    throw new RawBlockError(`${bytes.length - reader.offset} bytes after the last transaction`);
  if (!Buffer.from(fastMerkleRoot(hashes, hash256)).equals(merkleRoot))
    throw new RawBlockError("the transactions do not hash to the header's merkle root");

  return {
    height: expected.height,
    hash,
    previousHash: expected.height === 0 ? null : displayHex(previous),
    txids: txids.join(''),
    transactions: Uint32Array.from(bounds),
    scripts: Uint32Array.from(scripts),
    values: BigInt64Array.from(values),
  };
}
