/**
 * Turns the Dogecoin Core 1.14 answers only the watcher reads (getblock verbosity 2, getrawmempool,
 * getrawtransaction verbose) into the chain domain's types, through @dbay/chain-rpc's
 * RpcResultReader: a field that is missing or of the wrong type, an amount that is not exact koinu, a
 * hash that is not 64 hex digits, an output index out of order, each makes the whole answer malformed
 * (RpcMalformedAnswerError), never a silent default or a skipped output.
 */
import { RpcResultReader, type JsonValue } from '@dbay/chain-rpc';
import type { ChainBlock, ChainOutput, ChainTransaction } from '../../domain/chain.js';

/** getrawmempool (verbose = false): txids. */
export function decodeMempoolTxids(result: JsonValue): string[] {
  const reader = new RpcResultReader('getrawmempool');
  return reader.array(result, 'result').map((txid, index) => reader.hash(txid, `result[${index}]`));
}

function decodeTransactionObject(
  reader: RpcResultReader,
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
  const reader = new RpcResultReader('getblock');
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
  const reader = new RpcResultReader('getrawtransaction');
  const transaction = decodeTransactionObject(reader, result, 'result');
  if (transaction.txid !== expectedTxid)
    reader.fail('result.txid', `asked for ${expectedTxid}, got ${transaction.txid}`);
  const { hex } = transaction;
  if (hex === undefined) return reader.fail('result.hex', 'missing');
  return { ...transaction, hex };
}
