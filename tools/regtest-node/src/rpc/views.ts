/**
 * The JSON shapes Dogecoin Core 1.14 writes, field for field and in the same order:
 * ScriptPubKeyToJSON and TxToJSON (src/rpc/rawtransaction.cpp), blockheaderToJSON, blockToJSON and
 * entryToJSON (src/rpc/blockchain.cpp). Checked against Dogecoin's own fixture
 * qa/rpc-tests/data/getblock.json in test/fixture.unit.spec.ts.
 */
import { crypto, type Transaction } from 'bitcoinjs-lib';
import { difficulty } from '../blocks.js';
import type { BlockRecord, ChainState } from '../chainstate.js';
import { Amount, Real, type CoreJson } from '../core-json.js';
import { priorityAt, type Mempool, type MempoolEntry } from '../mempool.js';
import { extractDestinations, scriptToAsm, solve } from '../script.js';
import { txidOfHash } from '../coins.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

export function scriptPubKeyToJson(script: Uint8Array, includeHex: boolean): Record<string, CoreJson> {
  const out: Record<string, CoreJson> = { asm: scriptToAsm(script) };
  if (includeHex) out.hex = hex(script);
  const solution = solve(script);
  const destinations = extractDestinations(solution);
  if (!destinations) {
    out.type = solution.type;
    return out;
  }
  out.reqSigs = destinations.reqSigs;
  out.type = solution.type;
  out.addresses = destinations.addresses;
  return out;
}

export interface TxBlockContext {
  chain: ChainState;
  blockHash: string;
}

/** TxToJSON: getrawtransaction adds "hex" before calling it; getblock verbosity 2 passes no block. */
export function txToJson(tx: Transaction, entry: Record<string, CoreJson>, block?: TxBlockContext): void {
  entry.txid = tx.getId();
  // GetWitnessHash: the hash of the serialization with witnesses, which is the txid when there are none.
  entry.hash = Buffer.from(crypto.hash256(tx.toBuffer())).reverse().toString('hex');
  entry.size = tx.byteLength();
  entry.vsize = tx.virtualSize();
  entry.version = tx.version;
  entry.locktime = tx.locktime;
  entry.vin = tx.ins.map((input) => {
    const vin: Record<string, CoreJson> = {};
    if (tx.isCoinbase()) vin.coinbase = hex(input.script);
    else {
      vin.txid = txidOfHash(input.hash);
      vin.vout = input.index;
      vin.scriptSig = { asm: scriptToAsm(input.script, true), hex: hex(input.script) };
    }
    if (tx.hasWitnesses()) vin.txinwitness = input.witness.map(hex);
    vin.sequence = input.sequence;
    return vin;
  });
  entry.vout = tx.outs.map((out, n) => ({
    value: new Amount(out.value),
    n,
    scriptPubKey: scriptPubKeyToJson(out.script, true),
  }));
  if (block) {
    entry.blockhash = block.blockHash;
    const record = block.chain.index.get(block.blockHash);
    if (record) {
      if (block.chain.contains(record)) {
        entry.confirmations = block.chain.height - record.height + 1;
        entry.time = record.block.timestamp;
        entry.blocktime = record.block.timestamp;
      } else entry.confirmations = 0;
    }
  }
}

const confirmationsOf = (chain: ChainState, record: BlockRecord): number =>
  chain.contains(record) ? chain.height - record.height + 1 : -1;

const versionHex = (version: number): string => (version >>> 0).toString(16).padStart(8, '0');
const bitsHex = (bits: number): string => (bits >>> 0).toString(16).padStart(8, '0');
const chainWorkHex = (work: bigint): string => work.toString(16).padStart(64, '0');

function linkFields(chain: ChainState, record: BlockRecord, out: Record<string, CoreJson>): void {
  if (record.prevHash !== null) out.previousblockhash = record.prevHash;
  const next = chain.next(record);
  if (next) out.nextblockhash = next.hash;
}

export function blockHeaderToJson(chain: ChainState, record: BlockRecord): Record<string, CoreJson> {
  const { block } = record;
  const out: Record<string, CoreJson> = {
    hash: record.hash,
    confirmations: confirmationsOf(chain, record),
    height: record.height,
    version: block.version,
    versionHex: versionHex(block.version),
    merkleroot: Buffer.from(block.merkleRoot!).reverse().toString('hex'),
    time: block.timestamp,
    mediantime: chain.medianTimePast(record),
    nonce: block.nonce >>> 0,
    bits: bitsHex(block.bits),
    difficulty: new Real(difficulty(block.bits)),
    chainwork: chainWorkHex(record.chainWork),
  };
  linkFields(chain, record, out);
  return out;
}

export function blockToJson(
  chain: ChainState,
  record: BlockRecord,
  txDetails: boolean,
): Record<string, CoreJson> {
  const { block } = record;
  const out: Record<string, CoreJson> = {
    hash: record.hash,
    confirmations: confirmationsOf(chain, record),
    strippedsize: block.byteLength(false, false),
    size: record.size,
    weight: block.weight(),
    height: record.height,
    version: block.version,
    versionHex: versionHex(block.version),
    merkleroot: Buffer.from(block.merkleRoot!).reverse().toString('hex'),
    tx: record.transactions.map((tx, i) => {
      if (!txDetails) return record.txids[i]!;
      const entry: Record<string, CoreJson> = {};
      txToJson(tx, entry);
      return entry;
    }),
    time: block.timestamp,
    mediantime: chain.medianTimePast(record),
    nonce: block.nonce >>> 0,
    bits: bitsHex(block.bits),
    difficulty: new Real(difficulty(block.bits)),
    chainwork: chainWorkHex(record.chainWork),
  };
  linkFields(chain, record, out);
  return out;
}

/** entryToJSON: fees in DOGE, the descendant/ancestor fee sums in koinu, priorities as doubles. */
export function mempoolEntryToJson(
  mempool: Mempool,
  entry: MempoolEntry,
  tipHeight: number,
): Record<string, CoreJson> {
  const descendants = [...mempool.descendantsOf(entry.txid)].map((id) => mempool.get(id)!);
  const ancestors = [entry, ...[...mempool.ancestorsOf(entry.tx)].map((id) => mempool.get(id)!)];
  const sum = (entries: MempoolEntry[], pick: (e: MempoolEntry) => bigint | number): bigint =>
    entries.reduce((total, e) => total + BigInt(pick(e)), 0n);
  const depends = [...mempool.parents(entry.txid)].sort();
  return {
    size: entry.vsize,
    fee: new Amount(entry.fee),
    modifiedfee: new Amount(entry.fee),
    time: entry.time,
    height: entry.entryHeight,
    startingpriority: new Real(priorityAt(entry, entry.entryHeight)),
    currentpriority: new Real(priorityAt(entry, tipHeight)),
    descendantcount: descendants.length,
    descendantsize: Number(sum(descendants, (e) => e.vsize)),
    descendantfees: sum(descendants, (e) => e.fee),
    ancestorcount: ancestors.length,
    ancestorsize: Number(sum(ancestors, (e) => e.vsize)),
    ancestorfees: sum(ancestors, (e) => e.fee),
    depends,
  };
}

/** Work of the whole active chain, for getblockchaininfo. */
export const tipChainWork = (chain: ChainState): string => chainWorkHex(chain.tip.chainWork);
