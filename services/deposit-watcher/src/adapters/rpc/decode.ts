/**
 * Turns Dogecoin Core 1.14 RPC results (lossless JSON) into the watcher's chain types, checking the
 * shape as it goes. A field that is missing, of the wrong type, an amount with more than 8 decimals
 * or an exponent, a height that is not a safe integer, a hash that is not 64 hex digits: each makes
 * the whole answer malformed (RpcMalformedAnswerError), never a silent default.
 *
 * Amounts: Core writes ValueFromAmount as a JSON number with 8 decimals ("0.10000001"); the text is
 * converted with @dbay/money's parseDoge, bigint arithmetic only. Dogecoin's MAX_MONEY (10 billion
 * DOGE) is also parseDoge's upper bound.
 */
import { parseDoge } from '@dbay/money';
import { HASH_HEX, type ChainBlock, type ChainOutput, type ChainTransaction } from '../../domain/chain.js';
import { isJsonObject, JsonNumber, type JsonObject, type JsonValue } from './rpc-json.js';
import { RpcMalformedAnswerError } from './json-rpc-client.js';

const HEX = /^(?:[0-9a-f]{2})*$/;

class Reader {
  constructor(private readonly method: string) {}

  fail(path: string, problem: string): never {
    throw new RpcMalformedAnswerError(this.method, `${path}: ${problem}`);
  }

  object(value: JsonValue | undefined, path: string): JsonObject {
    if (!isJsonObject(value)) this.fail(path, 'expected an object');
    return value;
  }

  array(value: JsonValue | undefined, path: string): JsonValue[] {
    if (!Array.isArray(value)) this.fail(path, 'expected an array');
    return value;
  }

  string(value: JsonValue | undefined, path: string): string {
    if (typeof value !== 'string') this.fail(path, 'expected a string');
    return value;
  }

  hash(value: JsonValue | undefined, path: string): string {
    const text = this.string(value, path);
    if (!HASH_HEX.test(text)) this.fail(path, 'expected 64 lower-case hex digits');
    return text;
  }

  hex(value: JsonValue | undefined, path: string): string {
    const text = this.string(value, path);
    if (!HEX.test(text)) this.fail(path, 'expected lower-case hex bytes');
    return text;
  }

  /** A non-negative integer that fits a JS number exactly (heights, counts, output indexes). */
  count(value: JsonValue | undefined, path: string): number {
    if (!(value instanceof JsonNumber) || !/^(?:0|[1-9]\d{0,15})$/.test(value.value)) {
      this.fail(path, `expected a non-negative integer, got ${describe(value)}`);
    }
    const number = Number(value.value);
    if (!Number.isSafeInteger(number)) this.fail(path, `${value.value} is too large`);
    return number;
  }

  koinu(value: JsonValue | undefined, path: string): bigint {
    if (!(value instanceof JsonNumber)) this.fail(path, `expected an amount, got ${describe(value)}`);
    try {
      return parseDoge(value.value, { allowZero: true });
    } catch (error) {
      return this.fail(
        path,
        `amount ${value.value}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

function describe(value: JsonValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (value instanceof JsonNumber) return value.value;
  return JSON.stringify(value).slice(0, 60);
}

/** getblockcount */
export function decodeBlockCount(result: JsonValue): number {
  return new Reader('getblockcount').count(result, 'result');
}

/** getblockhash, getbestblockhash */
export function decodeBlockHash(method: string, result: JsonValue): string {
  return new Reader(method).hash(result, 'result');
}

/** getrawmempool (verbose = false): txids. */
export function decodeMempoolTxids(result: JsonValue): string[] {
  const reader = new Reader('getrawmempool');
  return reader.array(result, 'result').map((txid, index) => reader.hash(txid, `result[${index}]`));
}

function decodeTransactionObject(
  reader: Reader,
  value: JsonValue | undefined,
  path: string,
): ChainTransaction {
  const tx = reader.object(value, path);
  const txid = reader.hash(tx.txid, `${path}.txid`);
  const outputs: ChainOutput[] = reader.array(tx.vout, `${path}.vout`).map((item, index) => {
    const outputPath = `${path}.vout[${index}]`;
    const output = reader.object(item, outputPath);
    const vout = reader.count(output.n, `${outputPath}.n`);
    if (vout !== index) reader.fail(`${outputPath}.n`, `expected ${index}, got ${vout}`);
    const scriptPubKey = reader.object(output.scriptPubKey, `${outputPath}.scriptPubKey`);
    return {
      vout,
      valueKoinu: reader.koinu(output.value, `${outputPath}.value`),
      scriptPubKeyHex: reader.hex(scriptPubKey.hex, `${outputPath}.scriptPubKey.hex`),
    };
  });
  const transaction: ChainTransaction = { txid, outputs };
  if (tx.hex !== undefined) transaction.hex = reader.hex(tx.hex, `${path}.hex`);
  return transaction;
}

/**
 * getblock <hash> 2. The block must be the one asked for (`expected`), at the expected height.
 * Core 1.14's verbosity 2 has no "hex" per transaction; newer nodes add it, and then it is kept.
 */
export function decodeBlock(result: JsonValue, expected: { hash: string; height: number }): ChainBlock {
  const reader = new Reader('getblock');
  const block = reader.object(result, 'result');
  const hash = reader.hash(block.hash, 'result.hash');
  if (hash !== expected.hash) reader.fail('result.hash', `asked for ${expected.hash}, got ${hash}`);
  const height = reader.count(block.height, 'result.height');
  if (height !== expected.height) reader.fail('result.height', `expected ${expected.height}, got ${height}`);
  const previousHash =
    block.previousblockhash === undefined
      ? null
      : reader.hash(block.previousblockhash, 'result.previousblockhash');
  if (previousHash === null && height !== 0) reader.fail('result.previousblockhash', 'missing above genesis');
  const transactions = reader
    .array(block.tx, 'result.tx')
    .map((tx, index) => decodeTransactionObject(reader, tx, `result.tx[${index}]`));
  if (transactions.length === 0) reader.fail('result.tx', 'a block has at least its coinbase');
  return { height, hash, previousHash, transactions };
}

/** getrawtransaction <txid> true: the transaction with its hex. */
export function decodeVerboseTransaction(
  result: JsonValue,
  expectedTxid: string,
): ChainTransaction & { hex: string } {
  const reader = new Reader('getrawtransaction');
  const transaction = decodeTransactionObject(reader, result, 'result');
  if (transaction.txid !== expectedTxid)
    reader.fail('result.txid', `asked for ${expectedTxid}, got ${transaction.txid}`);
  const { hex } = transaction;
  if (hex === undefined) return reader.fail('result.hex', 'missing');
  return { ...transaction, hex };
}

/** getrawtransaction <txid> false: the hex. */
export function decodeRawTransactionHex(result: JsonValue): string {
  const reader = new Reader('getrawtransaction');
  const hex = reader.hex(result, 'result');
  if (hex.length === 0) reader.fail('result', 'empty transaction');
  return hex;
}
