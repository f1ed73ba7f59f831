// Proves the check of the signer's answer: a correctly signed P2PKH transaction is never larger than
// the size it was priced at, and any difference from the plan (inputs, outputs, txid, fee) is refused
// before anything is stored or broadcast. Also proves how node answers to sendrawtransaction are read.
import { expect } from 'chai';
import { Psbt, Transaction, payments } from 'bitcoinjs-lib';
import { ECPair, estimateSignedP2pkhSize, feeForSize, regtest } from '@dbay/dogecoin';
import { checkSignedTransaction, type PlannedTransaction } from '../src/domain/signed-transaction.js';
import { classifyBroadcastError, decideTracking } from '../src/domain/broadcast.js';

const DOGE = 100_000_000n;

function fundingTransaction(pubkey: Uint8Array, amounts: bigint[], salt: number): Transaction {
  const tx = new Transaction();
  tx.version = 1;
  tx.addInput(Buffer.alloc(32, salt), 0);
  for (const amount of amounts) tx.addOutput(payments.p2pkh({ pubkey }).output!, amount);
  return tx;
}

/** Builds and signs a transaction spending `inputCount` coins into `outputCount` P2PKH outputs. */
function signedFixture(inputCount: number, outputCount: number, salt: number) {
  const key = ECPair.makeRandom({ network: regtest });
  const funding = fundingTransaction(
    key.publicKey,
    Array.from({ length: inputCount }, () => 100n * DOGE),
    salt,
  );
  const scripts = Array.from(
    { length: outputCount },
    () => payments.p2pkh({ pubkey: ECPair.makeRandom().publicKey }).output!,
  );
  const estimatedSizeBytes = estimateSignedP2pkhSize(
    inputCount,
    scripts.map((s) => s.length),
  );
  const feeKoinu = feeForSize(estimatedSizeBytes);
  const perOutput = (BigInt(inputCount) * 100n * DOGE - feeKoinu) / BigInt(outputCount);
  const amounts = scripts.map((_, i) =>
    i === 0 ? BigInt(inputCount) * 100n * DOGE - feeKoinu - perOutput * BigInt(outputCount - 1) : perOutput,
  );
  const psbt = new Psbt({ network: regtest });
  for (let vout = 0; vout < inputCount; vout++)
    psbt.addInput({ hash: funding.getId(), index: vout, nonWitnessUtxo: Buffer.from(funding.toBuffer()) });
  scripts.forEach((script, i) => psbt.addOutput({ script, value: amounts[i]! }));
  psbt.signAllInputs(key).finalizeAllInputs();
  const tx = psbt.extractTransaction();
  const plan: PlannedTransaction = {
    inputs: Array.from({ length: inputCount }, (_, vout) => ({ txid: funding.getId(), vout })),
    outputs: scripts.map((script, i) => ({
      scriptHex: Buffer.from(script).toString('hex'),
      amountKoinu: amounts[i]!,
    })),
    feeKoinu,
    estimatedSizeBytes,
    feeRateKoinuPerKb: 1_000_000n,
  };
  return { tx, plan };
}

describe('signed transaction check', () => {
  it('accepts real signatures: the signed size never exceeds the priced size (50 random transactions)', () => {
    for (let salt = 1; salt <= 50; salt++) {
      const { tx, plan } = signedFixture((salt % 5) + 1, (salt % 3) + 1, salt);
      const check = checkSignedTransaction(tx.toHex(), tx.getId(), plan);
      expect(check.ok, JSON.stringify(check)).to.equal(true);
      if (check.ok) expect(plan.estimatedSizeBytes - check.sizeBytes).to.be.within(0, plan.inputs.length * 2);
    }
  });

  it('refuses a different txid, different outputs, fewer inputs and garbage', () => {
    const { tx, plan } = signedFixture(2, 2, 99);
    expect(checkSignedTransaction(tx.toHex(), 'ab'.repeat(32), plan)).to.include({
      ok: false,
      code: 'WITHDRAWAL_SIGNED_TX_MISMATCH',
    });
    const richer = {
      ...plan,
      outputs: plan.outputs.map((o, i) => (i === 0 ? { ...o, amountKoinu: o.amountKoinu + 1n } : o)),
    };
    expect(checkSignedTransaction(tx.toHex(), null, richer)).to.include({
      code: 'WITHDRAWAL_SIGNED_TX_MISMATCH',
    });
    expect(checkSignedTransaction(tx.toHex(), null, { ...plan, inputs: plan.inputs.slice(1) })).to.include({
      code: 'WITHDRAWAL_SIGNED_TX_MISMATCH',
    });
    expect(checkSignedTransaction('00ff', null, plan)).to.include({ code: 'WITHDRAWAL_SIGNED_TX_MALFORMED' });
  });

  it('refuses a transaction whose fee does not cover its real size', () => {
    const { tx, plan } = signedFixture(1, 1, 7);
    expect(
      checkSignedTransaction(tx.toHex(), null, { ...plan, estimatedSizeBytes: tx.byteLength() - 1 }),
    ).to.include({
      code: 'WITHDRAWAL_SIGNED_TX_UNDERPRICED',
    });
    expect(
      checkSignedTransaction(tx.toHex(), null, { ...plan, feeKoinu: feeForSize(tx.byteLength()) - 1n }),
    ).to.include({
      code: 'WITHDRAWAL_SIGNED_TX_UNDERPRICED',
    });
  });
});

describe('broadcast answers', () => {
  it('counts "already in the mempool" and "already in chain" as success', () => {
    expect(classifyBroadcastError(-27, 'transaction already in block chain').kind).to.equal('already-known');
    expect(classifyBroadcastError(-26, '18: txn-already-in-mempool').kind).to.equal('already-known');
    expect(classifyBroadcastError(-26, 'txn-already-known').kind).to.equal('already-known');
  });

  it('tells missing inputs from other rejections', () => {
    expect(classifyBroadcastError(-25, 'Missing inputs').kind).to.equal('missing-inputs');
    expect(classifyBroadcastError(-26, '66: min relay fee not met').kind).to.equal('rejected');
    expect(classifyBroadcastError(-26, '258: txn-mempool-conflict').kind).to.equal('rejected');
  });

  it('confirms at the required depth, waits below it, rebroadcasts when the node does not know the transaction', () => {
    expect(decideTracking(undefined, 6).kind).to.equal('rebroadcast');
    expect(decideTracking({ confirmations: 5, blockHash: 'h', blockHeight: 1 }, 6).kind).to.equal('waiting');
    expect(decideTracking({ confirmations: 6, blockHash: 'h', blockHeight: 1 }, 6).kind).to.equal(
      'confirmed',
    );
  });
});
