// Proves that the answers only the watcher decodes are read exactly and strictly: Core 1.14 block and
// transaction JSON become exact koinu amounts, and every malformed answer (wrong shape, float-damaged
// or over-precise amounts, a block or transaction other than the one asked for, a raw transaction that
// does not match its JSON) is an RpcMalformedAnswerError, never a silent default or a skipped output.
// The envelope rules (Core's error objects, transport failures, malformed envelopes) and the amount
// and count readers are proven with the client in packages/chain-rpc/test.
import { expect } from 'chai';
import { Transaction } from 'bitcoinjs-lib';
import { interpretRpcAnswer, parseRpcJson, RpcMalformedAnswerError } from '@dbay/chain-rpc';
import { decodeBlock, decodeMempoolTxids, decodeVerboseTransaction } from '../../src/adapters/rpc/decode.js';
import { checkRawTransaction } from '../../src/adapters/rpc/raw-transaction.js';

const BLOCK_HASH = 'ab'.repeat(32);
const PREVIOUS_HASH = 'cd'.repeat(32);
const COINBASE_TXID = '01'.repeat(32);
const PAYMENT_TXID = '02'.repeat(32);
const P2PKH = `76a914${'11'.repeat(20)}88ac`;

/** A getblock verbosity 2 answer shaped as Dogecoin Core 1.14.9 writes it (no "hex" per tx). */
function blockAnswer(paymentValue = '1234.56789012'): string {
  return `{"result":{"hash":"${BLOCK_HASH}","confirmations":1,"strippedsize":330,"size":330,"weight":1320,
    "height":321,"version":6422786,"versionHex":"00620102","merkleroot":"${'ee'.repeat(32)}",
    "tx":[
      {"txid":"${COINBASE_TXID}","hash":"${COINBASE_TXID}","size":120,"vsize":120,"version":1,"locktime":0,
       "vin":[{"coinbase":"0141","sequence":4294967295}],
       "vout":[
         {"value":500000.00000000,"n":0,"scriptPubKey":{"asm":"02aa OP_CHECKSIG","hex":"21${'02'.repeat(33)}ac","reqSigs":1,"type":"pubkey","addresses":["nCoinbase"]}},
         {"value":0.00000000,"n":1,"scriptPubKey":{"asm":"OP_RETURN aa","hex":"6a01aa","type":"nulldata"}}]},
      {"txid":"${PAYMENT_TXID}","hash":"${PAYMENT_TXID}","size":225,"vsize":225,"version":1,"locktime":0,
       "vin":[{"txid":"${'03'.repeat(32)}","vout":0,"scriptSig":{"asm":"","hex":""},"sequence":4294967295}],
       "vout":[
         {"value":${paymentValue},"n":0,"scriptPubKey":{"asm":"OP_DUP ...","hex":"${P2PKH}","reqSigs":1,"type":"pubkeyhash","addresses":["nUser"]}},
         {"value":0.10000001,"n":1,"scriptPubKey":{"asm":"1","hex":"51","type":"nonstandard"}}]}],
    "time":1700000000,"mediantime":1700000000,"nonce":0,"bits":"207fffff","difficulty":4.656542373906925e-10,
    "chainwork":"00","previousblockhash":"${PREVIOUS_HASH}"},"error":null,"id":7}`;
}

function decodeBlockAnswer(text: string): ReturnType<typeof decodeBlock> {
  return decodeBlock(interpretRpcAnswer('getblock', 7, 200, text), { hash: BLOCK_HASH, height: 321 });
}

describe('RPC answers', () => {
  it('decodes a Core 1.14 verbosity-2 block with exact amounts, floats elsewhere untouched', () => {
    const block = decodeBlockAnswer(blockAnswer());
    expect(block).to.deep.equal({
      height: 321,
      hash: BLOCK_HASH,
      previousHash: PREVIOUS_HASH,
      transactions: [
        {
          txid: COINBASE_TXID,
          outputs: [
            { vout: 0, valueKoinu: 50_000_000_000_000n, scriptPubKeyHex: `21${'02'.repeat(33)}ac` },
            { vout: 1, valueKoinu: 0n, scriptPubKeyHex: '6a01aa' },
          ],
        },
        {
          txid: PAYMENT_TXID,
          outputs: [
            { vout: 0, valueKoinu: 123_456_789_012n, scriptPubKeyHex: P2PKH },
            { vout: 1, valueKoinu: 10_000_001n, scriptPubKeyHex: '51' },
          ],
        },
      ],
    });
  });

  it('reads the largest amount Dogecoin allows exactly', () => {
    const block = decodeBlockAnswer(blockAnswer('10000000000.00000000'));
    expect(block.transactions[1]!.outputs[0]!.valueKoinu).to.equal(1_000_000_000_000_000_000n);
  });

  for (const [value, why] of [
    ['1.123456789', 'more than 8 decimals'],
    ['1e3', 'an exponent'],
    ['-1.00000000', 'a negative amount'],
    ['"1.00000000"', 'a string'],
    ['null', 'null'],
    ['10000000000.00000001', 'more than MAX_MONEY'],
  ]) {
    it(`refuses an output amount with ${why}`, () => {
      expect(() => decodeBlockAnswer(blockAnswer(value))).to.throw(RpcMalformedAnswerError, /value/);
    });
  }

  it('refuses a block that is not the one asked for, or has a broken shape', () => {
    const answer = parseRpcJson(blockAnswer()) as { result: unknown };
    expect(() =>
      decodeBlock(interpretRpcAnswer('getblock', 7, 200, blockAnswer()), {
        hash: 'ff'.repeat(32),
        height: 321,
      }),
    ).to.throw(RpcMalformedAnswerError, /asked for/);
    expect(() =>
      decodeBlock(interpretRpcAnswer('getblock', 7, 200, blockAnswer()), { hash: BLOCK_HASH, height: 322 }),
    ).to.throw(/expected 322/);
    for (const broken of [
      blockAnswer().replace('"n":1,"scriptPubKey":{"asm":"1"', '"n":5,"scriptPubKey":{"asm":"1"'),
      blockAnswer().replace(`"hex":"${P2PKH}"`, `"hex":"${P2PKH.toUpperCase()}"`),
      blockAnswer().replace(`"previousblockhash":"${PREVIOUS_HASH}"`, '"previousblockhash":"xyz"'),
      blockAnswer().replace('"height":321', '"height":321.5'),
      blockAnswer().replace(`"txid":"${PAYMENT_TXID}"`, '"txid":42'),
    ]) {
      expect(() => decodeBlockAnswer(broken)).to.throw(RpcMalformedAnswerError);
    }
    expect(answer.result).to.not.equal(undefined);
  });

  it('decodes txid lists and verbose transactions strictly', () => {
    expect(decodeMempoolTxids(parseRpcJson(`["${PAYMENT_TXID}"]`))).to.deep.equal([PAYMENT_TXID]);
    expect(() => decodeMempoolTxids(parseRpcJson('["abc"]'))).to.throw(RpcMalformedAnswerError);
    const verbose = `{"hex":"0100","txid":"${PAYMENT_TXID}","vout":[]}`;
    expect(decodeVerboseTransaction(parseRpcJson(verbose), PAYMENT_TXID).hex).to.equal('0100');
    expect(() =>
      decodeVerboseTransaction(parseRpcJson(`{"txid":"${PAYMENT_TXID}","vout":[]}`), PAYMENT_TXID),
    ).to.throw(/hex/);
  });
});

describe('raw transaction cross-check', () => {
  const transaction = new Transaction();
  transaction.addInput(Buffer.alloc(32, 3), 0);
  transaction.addOutput(Buffer.from(P2PKH, 'hex'), 123_456_789_012n);
  const hex = transaction.toHex();
  const txid = transaction.getId();

  it('accepts a hex that hashes to the txid with the claimed outputs', () => {
    expect(() =>
      checkRawTransaction('getrawtransaction', txid, hex, [
        { vout: 0, valueKoinu: 123_456_789_012n, scriptPubKeyHex: P2PKH },
      ]),
    ).to.not.throw();
  });

  it('refuses a hex of another transaction, a different amount, or garbage', () => {
    expect(() => checkRawTransaction('getrawtransaction', PAYMENT_TXID, hex, [])).to.throw(
      RpcMalformedAnswerError,
      /hashes to/,
    );
    expect(() =>
      checkRawTransaction('getrawtransaction', txid, hex, [
        { vout: 0, valueKoinu: 123_456_789_013n, scriptPubKeyHex: P2PKH },
      ]),
    ).to.throw(/raw bytes/);
    expect(() =>
      checkRawTransaction('getrawtransaction', txid, hex, [
        { vout: 1, valueKoinu: 1n, scriptPubKeyHex: P2PKH },
      ]),
    ).to.throw(/no output 1/);
    expect(() => checkRawTransaction('getrawtransaction', txid, 'zz', [])).to.throw(RpcMalformedAnswerError);
  });
});
