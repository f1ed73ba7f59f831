// Proves the signer's policy on the exact bytes it signs: a valid withdrawal request is signed
// with signatures that verify and outputs exactly as requested, and each violation (tampered
// amount, extra output, foreign change, fee out of bounds, replayed withdrawal id, an input that is
// not ours, a mismatched previous transaction, a cap exceeded, malformed data) is refused with its
// code.
import { expect } from 'chai';
import fc from 'fast-check';
import { Psbt, Transaction, script as bscript } from 'bitcoinjs-lib';
import { addressPath, ECPair, outputScriptForAddress, p2pkhOutputScript } from '@dbay/dogecoin';
import {
  decideSigning,
  type PreviousSigning,
  type SigningDecision,
  type SigningHistory,
} from '../src/domain/decide-signing.js';
import type { RefusalCode } from '../src/domain/refusal.js';
import type { SigningRequest } from '../src/domain/signing-request.js';
import {
  buildSweepRequest,
  coldScript,
  buildBumpRequest,
  buildRequest,
  DEFAULT_FEE_KOINU,
  defaultWithdrawals,
  DOGE,
  foreignAddress,
  foreignScript,
  fundingTransaction,
  network,
  noHistory,
  ourAddress,
  testKeys,
  testPolicy,
} from './fixtures/signing-fixtures.js';

const keys = testKeys();

function decide(
  request: SigningRequest,
  history: SigningHistory = noHistory,
  policy = testPolicy,
): SigningDecision {
  return decideSigning(request, keys, history, policy);
}

function expectRefused(decision: SigningDecision, code: RefusalCode): string {
  if (decision.kind !== 'refused') expect.fail(`expected ${code}, got ${decision.kind}`);
  expect(decision.refusal.code).to.equal(code);
  return decision.refusal.reason;
}

function expectSigned(decision: SigningDecision) {
  if (decision.kind !== 'signed') expect.fail(`expected a signature, got ${JSON.stringify(decision)}`);
  return decision.transaction;
}

/**
 * Re-checks the signed transaction independently of the signer: every scriptSig's signature is put
 * back into the unsigned PSBT as a partial signature and validated by bitcoinjs-lib's
 * Psbt.validateSignaturesOfAllInputs with ecpair's verify.
 */
function signaturesVerify(request: SigningRequest, rawTransactionHex: string): boolean {
  const signed = Transaction.fromHex(rawTransactionHex);
  const psbt = Psbt.fromBase64(request.psbtBase64, { network });
  signed.ins.forEach((input, index) => {
    const [signature, pubkey] = bscript.decompile(input.script) as [Uint8Array, Uint8Array];
    psbt.updateInput(index, { partialSig: [{ pubkey, signature }] });
  });
  return psbt.validateSignaturesOfAllInputs((pubkey, hash, signature) =>
    ECPair.fromPublicKey(pubkey).verify(hash, signature),
  );
}

describe('signer policy: decideSigning', () => {
  describe('a valid request', () => {
    const request = buildRequest();
    const decision = decide(request);

    it('is signed, with signatures that verify under bitcoinjs-lib and ecpair', () => {
      const signed = expectSigned(decision);
      expect(signaturesVerify(request, signed.rawTransactionHex)).to.equal(true);
    });

    it('pays exactly the requested withdrawal and our change, for the stated fee', () => {
      const signed = expectSigned(decision);
      const tx = Transaction.fromHex(signed.rawTransactionHex);
      expect(tx.getId()).to.equal(signed.txid);
      expect(tx.outs).to.have.length(2);
      expect(Buffer.from(tx.outs[0]!.script)).to.deep.equal(
        Buffer.from(outputScriptForAddress(foreignAddress('receive', 0), network)),
      );
      expect(tx.outs[0]!.value).to.equal(3n * DOGE);
      expect(signed.changeOutputIndex).to.equal(1);
      expect(signed.feeKoinu).to.equal(DEFAULT_FEE_KOINU);
      expect(signed.outflowKoinu).to.equal(3n * DOGE + DEFAULT_FEE_KOINU);
      expect(signed.sizeBytes).to.equal(tx.byteLength());
    });

    it('signs deterministically (RFC 6979): the same request gives the same bytes', () => {
      expect(expectSigned(decide(request)).rawTransactionHex).to.equal(
        expectSigned(decision).rawTransactionHex,
      );
    });

    it('signs several inputs from receive and change paths, and several withdrawals, without change', () => {
      const withdrawals = [
        { withdrawalId: 'w-a', destinationAddress: foreignAddress('receive', 1), amountKoinu: 4n * DOGE },
        {
          withdrawalId: 'w-b',
          destinationAddress: 'mo9ncXisMeAoXwqcV5EWuyncbmCcQN4rVs',
          amountKoinu: 2n * DOGE,
        },
        {
          withdrawalId: 'w-c',
          destinationAddress: '2MsvyG12kxxipe276Au4zKqvd2xdrBuHWb3',
          amountKoinu: 2n * DOGE,
        },
      ];
      const multi = buildRequest({
        inputs: [
          { path: addressPath('receive', 5), valueKoinu: 5n * DOGE },
          { path: addressPath('change', 2), valueKoinu: 3n * DOGE + 600_000n },
        ],
        withdrawals,
        change: null,
      });
      const signed = expectSigned(decide(multi));
      expect(signed.changeOutputIndex).to.equal(null);
      expect(signed.feeKoinu).to.equal(600_000n);
      expect(signaturesVerify(multi, signed.rawTransactionHex)).to.equal(true);
    });

    it('allows the soft-dust surcharge on top of the per-byte maximum', () => {
      const softDust = buildRequest({
        withdrawals: [
          {
            withdrawalId: 'w-small',
            destinationAddress: foreignAddress('receive', 2),
            amountKoinu: 500_000n,
          },
        ],
        change: { path: addressPath('change', 0), valueKoinu: 10n * DOGE - 500_000n - 1_226_000n },
      });
      expect(expectSigned(decide(softDust)).feeKoinu).to.equal(1_226_000n);
    });
  });

  describe('outputs', () => {
    it('refuses a tampered withdrawal amount', () => {
      const request = buildRequest({
        tamperOutput: (outputs) => {
          outputs[0]!.value += 1n;
          outputs[1]!.value -= 1n;
        },
      });
      expect(expectRefused(decide(request), 'SIGNER_OUTPUT_MISMATCH')).to.contain('w-1');
    });

    it('refuses a withdrawal paid to another destination', () => {
      const request = buildRequest({
        tamperOutput: (outputs) => void (outputs[0]!.script = foreignScript('receive', 7)),
      });
      expectRefused(decide(request), 'SIGNER_OUTPUT_MISMATCH');
    });

    it('refuses an extra output beside the change', () => {
      const request = buildRequest({
        change: { path: addressPath('change', 0), valueKoinu: 6n * DOGE },
        extraOutputs: [{ script: foreignScript('receive', 3), valueKoinu: 1n * DOGE - DEFAULT_FEE_KOINU }],
      });
      expectRefused(decide(request), 'SIGNER_OUTPUT_MISMATCH');
    });

    it('refuses an extra output when no change path was given', () => {
      const request = buildRequest({
        change: null,
        extraOutputs: [
          {
            script: p2pkhOutputScript(keys.publicKeyAt({ chain: 'change', index: 0 })),
            valueKoinu: 7n * DOGE - DEFAULT_FEE_KOINU,
          },
        ],
      });
      expectRefused(decide(request), 'SIGNER_OUTPUT_MISMATCH');
    });

    it('refuses change paid to a foreign key', () => {
      const request = buildRequest({
        change: {
          path: addressPath('change', 0),
          valueKoinu: 7n * DOGE - DEFAULT_FEE_KOINU,
          payTo: foreignScript(),
        },
      });
      expectRefused(decide(request), 'SIGNER_FOREIGN_CHANGE');
    });

    it('refuses change to our own key at a different path than stated', () => {
      const request = buildRequest({
        change: {
          path: addressPath('change', 0),
          valueKoinu: 7n * DOGE - DEFAULT_FEE_KOINU,
          payTo: p2pkhOutputScript(keys.publicKeyAt({ chain: 'change', index: 1 })),
        },
      });
      expectRefused(decide(request), 'SIGNER_FOREIGN_CHANGE');
    });

    it('refuses change to a receive (deposit) path', () => {
      const request = buildRequest({
        change: { path: addressPath('receive', 4), valueKoinu: 7n * DOGE - DEFAULT_FEE_KOINU },
      });
      expectRefused(decide(request), 'SIGNER_FOREIGN_CHANGE');
    });

    it('refuses a dust output', () => {
      const request = buildRequest({
        withdrawals: [
          { withdrawalId: 'w-dust', destinationAddress: foreignAddress('receive', 0), amountKoinu: 99_999n },
        ],
      });
      expectRefused(decide(request), 'SIGNER_DUST_OUTPUT');
    });

    it('refuses a destination of another network', () => {
      const request = buildRequest();
      const mainnetDestination = [
        { ...request.withdrawals[0]!, destinationAddress: 'DD4KSSuBJqcjuTcvUg1CgUKeurPUFeEZkE' },
      ];
      expect(
        expectRefused(decide({ ...request, withdrawals: mainnetDestination }), 'SIGNER_MALFORMED_REQUEST'),
      ).to.contain('WRONG_NETWORK');
    });
  });

  describe('inputs', () => {
    it('refuses an input that pays a foreign key', () => {
      const request = buildRequest({
        inputs: [
          { path: addressPath('receive', 0), valueKoinu: 10n * DOGE, payTo: foreignScript('receive', 0) },
        ],
      });
      expectRefused(decide(request), 'SIGNER_INPUT_NOT_OURS');
    });

    it('refuses an input of ours claimed under the wrong path', () => {
      const ours = p2pkhOutputScript(keys.publicKeyAt({ chain: 'receive', index: 1 }));
      const request = buildRequest({
        inputs: [{ path: addressPath('receive', 0), valueKoinu: 10n * DOGE, payTo: ours }],
      });
      expectRefused(decide(request), 'SIGNER_INPUT_NOT_OURS');
    });

    it('refuses a path outside our account', () => {
      const request = buildRequest();
      expectRefused(
        decide({ ...request, inputDerivationPaths: ["m/44'/3'/1'/0/0"] }),
        'SIGNER_INPUT_NOT_OURS',
      );
      expectRefused(
        decide({ ...request, inputDerivationPaths: ["m/44'/0'/0'/0/0"] }),
        'SIGNER_INPUT_NOT_OURS',
      );
    });

    it('refuses a nonWitnessUtxo that is not the transaction the input spends', () => {
      const request = buildRequest();
      const psbt = Psbt.fromBase64(request.psbtBase64, { network });
      const impostor = fundingTransaction(
        p2pkhOutputScript(keys.publicKeyAt({ chain: 'receive', index: 0 })),
        1_000n * DOGE,
      );
      // Rewrite the raw PSBT field, as an attacker would; the library API refuses to set a mismatched one.
      psbt.data.inputs[0]!.nonWitnessUtxo = impostor.toBuffer();
      expectRefused(decide({ ...request, psbtBase64: psbt.toBase64() }), 'SIGNER_PREVOUT_MISMATCH');
    });

    it('refuses an input without its previous transaction', () => {
      const request = buildRequest();
      const psbt = Psbt.fromBase64(request.psbtBase64, { network });
      const funding = Transaction.fromBuffer(psbt.data.inputs[0]!.nonWitnessUtxo!);
      const bare = new Psbt({ network });
      bare.addInput({ hash: funding.getId(), index: 0 });
      bare.addOutputs(psbt.txOutputs.map((output) => ({ script: output.script, value: output.value })));
      expectRefused(decide({ ...request, psbtBase64: bare.toBase64() }), 'SIGNER_MALFORMED_REQUEST');
    });

    it('refuses when the derivation paths do not line up with the inputs', () => {
      const request = buildRequest();
      expectRefused(
        decide({ ...request, inputDerivationPaths: [addressPath('receive', 0), addressPath('receive', 1)] }),
        'SIGNER_MALFORMED_REQUEST',
      );
    });
  });

  describe('fees', () => {
    it('refuses a fee above the per-byte maximum', () => {
      const request = buildRequest({
        change: { path: addressPath('change', 0), valueKoinu: 7n * DOGE - 500_000n },
      });
      expectRefused(decide(request), 'SIGNER_FEE_TOO_HIGH');
    });

    it('refuses a fee above the absolute maximum', () => {
      const request = buildRequest({ change: { path: addressPath('change', 0), valueKoinu: 5n * DOGE } });
      expect(expectRefused(decide(request), 'SIGNER_FEE_TOO_HIGH')).to.contain(
        String(testPolicy.maxFeeKoinu),
      );
    });

    it('refuses a whole input given away as fee (no change output)', () => {
      expectRefused(decide(buildRequest({ change: null })), 'SIGNER_FEE_TOO_HIGH');
    });

    it('refuses a fee below the relay minimum', () => {
      const request = buildRequest({
        change: { path: addressPath('change', 0), valueKoinu: 7n * DOGE - 1_000n },
      });
      expectRefused(decide(request), 'SIGNER_FEE_TOO_LOW');
    });

    it('refuses outputs that exceed the inputs', () => {
      const request = buildRequest({ change: { path: addressPath('change', 0), valueKoinu: 8n * DOGE } });
      expectRefused(decide(request), 'SIGNER_MALFORMED_REQUEST');
    });
  });

  describe('caps', () => {
    it('refuses a withdrawal above the per-withdrawal cap', () => {
      const policy = { ...testPolicy, maxWithdrawalKoinu: 3n * DOGE - 1n };
      expectRefused(decide(buildRequest(), noHistory, policy), 'SIGNER_CAP_EXCEEDED');
    });

    it('refuses when the rolling 24-hour outflow would pass the daily cap', () => {
      const history = { previousSignings: [], outflowLast24hKoinu: testPolicy.dailyCapKoinu - 3n * DOGE };
      expect(expectRefused(decide(buildRequest(), history), 'SIGNER_CAP_EXCEEDED')).to.contain('daily cap');
    });

    it('signs right up to the daily cap', () => {
      const history = {
        previousSignings: [],
        outflowLast24hKoinu: testPolicy.dailyCapKoinu - 3n * DOGE - DEFAULT_FEE_KOINU,
      };
      expectSigned(decide(buildRequest(), history));
    });
  });

  describe('each withdrawal id is signed at most once', () => {
    const request = buildRequest();
    const first = expectSigned(decide(request));
    const previous: PreviousSigning = { ...first, requestId: request.requestId };

    it('answers a replay of the same request with the stored transaction, signing nothing new', () => {
      const decision = decide(request, {
        previousSignings: [previous],
        outflowLast24hKoinu: testPolicy.dailyCapKoinu,
      });
      expect(decision).to.deep.equal({ kind: 'replayed', transaction: previous });
    });

    it('refuses a different transaction for an already signed withdrawal id', () => {
      const other = buildRequest({ withdrawals: defaultWithdrawals() });
      const reason = expectRefused(
        decide(other, { previousSignings: [previous], outflowLast24hKoinu: 0n }),
        'SIGNER_WITHDRAWAL_ALREADY_SIGNED',
      );
      expect(reason).to.contain('w-1').and.to.contain(first.txid);
    });

    it('refuses the same transaction claimed for a different set of withdrawals', () => {
      const extra = {
        ...request,
        withdrawals: [
          ...request.withdrawals,
          { withdrawalId: 'w-2', destinationAddress: ourAddress('receive', 9), amountKoinu: DOGE },
        ],
      };
      expectRefused(
        decide(extra, { previousSignings: [previous], outflowLast24hKoinu: 0n }),
        'SIGNER_WITHDRAWAL_ALREADY_SIGNED',
      );
    });
  });

  describe('malformed requests', () => {
    it('refuses bytes that are not a PSBT', () => {
      expectRefused(
        decide({ ...buildRequest(), psbtBase64: 'bm90IGEgcHNidA==' }),
        'SIGNER_MALFORMED_REQUEST',
      );
    });

    it('refuses a non-zero locktime', () => {
      expectRefused(decide(buildRequest({ locktime: 500 })), 'SIGNER_MALFORMED_REQUEST');
    });
  });

  it('property: a valid request of 1-4 withdrawals is signed and conserves value; any amount tampering is refused', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 1_000_000n, max: 50n * DOGE }), { minLength: 1, maxLength: 4 }),
        fc.nat({ max: 3 }),
        fc.bigInt({ min: -100_000n, max: 100_000n }).filter((delta) => delta !== 0n),
        (amounts, tamperIndex, delta) => {
          const withdrawals = amounts.map((amountKoinu, index) => ({
            withdrawalId: `w-${index}`,
            destinationAddress: foreignAddress('receive', index),
            amountKoinu,
          }));
          const valid = buildRequest({
            inputs: [{ path: addressPath('receive', 0), valueKoinu: 250n * DOGE }],
            withdrawals,
          });
          const signed = expectSigned(decide(valid));
          const tx = Transaction.fromHex(signed.rawTransactionHex);
          expect(tx.outs.reduce((sum, output) => sum + output.value, 0n) + signed.feeKoinu).to.equal(
            250n * DOGE,
          );

          const target = tamperIndex % amounts.length;
          const tampered = buildRequest({
            inputs: [{ path: addressPath('receive', 0), valueKoinu: 250n * DOGE }],
            withdrawals,
            tamperOutput: (outputs) => {
              outputs[target]!.value += delta;
              outputs[outputs.length - 1]!.value -= delta;
            },
          });
          expectRefused(decide(tampered), 'SIGNER_OUTPUT_MISMATCH');
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('signer policy: child-pays-for-parent bumps (purpose FEE_BUMP)', () => {
  it('signs a bump of our change to our change whose fee stays within the package bound', () => {
    // 0.02 DOGE for a ~190-byte child is ~10,500 koinu/byte: far above the per-transaction maximum
    // (2,000), allowed because a bump pays for its bumped transaction's bytes as well.
    const { request, bumped } = buildBumpRequest({ bumpedPaddingOutputs: 10 });
    const signed = expectSigned(decide(request));
    expect(signed).to.include({ feeKoinu: 2_000_000n, outflowKoinu: 2_000_000n, changeOutputIndex: 0 });
    expect(signed.bumpedTxid).to.equal(bumped.getId());
    expect(signed.withdrawals).to.deep.equal([]);
    expect(signaturesVerify(request, signed.rawTransactionHex)).to.equal(true);
    const tx = Transaction.fromHex(signed.rawTransactionHex);
    expect(Buffer.from(tx.ins[0]!.hash).reverse().toString('hex')).to.equal(bumped.getId());
    expect(tx.outs.map((out) => out.value)).to.deep.equal([10n * DOGE - 2_000_000n]);
  });

  it('refuses every other shape: two inputs, two outputs, a receive-chain input, another transaction than the bumped one', () => {
    expectRefused(decide(buildBumpRequest({ extraInput: true }).request), 'SIGNER_BUMP_NOT_ALLOWED');
    expectRefused(decide(buildBumpRequest({ extraOutput: true }).request), 'SIGNER_BUMP_NOT_ALLOWED');
    expectRefused(
      decide(buildBumpRequest({ inputPath: addressPath('receive', 3) }).request),
      'SIGNER_BUMP_NOT_ALLOWED',
    );
    expectRefused(
      decide(buildBumpRequest({ bumpedTxid: 'ab'.repeat(32) }).request),
      'SIGNER_BUMP_NOT_ALLOWED',
    );
  });

  it('refuses a bump paying anything but our change key', () => {
    expectRefused(
      decide(buildBumpRequest({ outputPayTo: foreignScript('change', 6) }).request),
      'SIGNER_FOREIGN_CHANGE',
    );
    expectRefused(
      decide(buildBumpRequest({ outputPath: addressPath('receive', 6) }).request),
      'SIGNER_FOREIGN_CHANGE',
    );
    expectRefused(
      decide(buildBumpRequest({ inputPayTo: foreignScript('change', 5) }).request),
      'SIGNER_INPUT_NOT_OURS',
    );
  });

  it('bounds the fee by the package rate and by the absolute bump maximum', () => {
    // A small bumped transaction: ~85 + ~190 bytes at 10,000 koinu/byte allow ~2.7 million koinu.
    expectRefused(decide(buildBumpRequest({ feeKoinu: 5_000_000n }).request), 'SIGNER_FEE_TOO_HIGH');
    expectSigned(decide(buildBumpRequest({ feeKoinu: 2_500_000n }).request));
    // A large bumped transaction lifts the package bound, but never above maxBumpFeeKoinu (0.1 DOGE).
    expectRefused(
      decide(buildBumpRequest({ feeKoinu: DOGE / 10n + 1n, bumpedPaddingOutputs: 40 }).request),
      'SIGNER_FEE_TOO_HIGH',
    );
    expectSigned(decide(buildBumpRequest({ feeKoinu: DOGE / 10n, bumpedPaddingOutputs: 40 }).request));
    expectRefused(decide(buildBumpRequest({ feeKoinu: 0n }).request), 'SIGNER_MALFORMED_REQUEST');
  });

  it('bumps a transaction once: the same request again is answered from the log, another one refused', () => {
    const { request, bumped } = buildBumpRequest({ bumpedPaddingOutputs: 10 });
    const first = expectSigned(decide(request));
    const previousBump: PreviousSigning = { ...first, requestId: request.requestId };
    const again = decide(request, { ...noHistory, previousBump });
    expect(again.kind).to.equal('replayed');
    const other = buildBumpRequest({ bumpedPaddingOutputs: 10, feeKoinu: 2_100_000n }).request;
    const reason = expectRefused(
      decide({ ...other, bumpedTxid: bumped.getId() }, { ...noHistory, previousBump }),
      'SIGNER_ALREADY_BUMPED',
    );
    expect(reason).to.contain(first.txid);
  });

  it('counts the fee toward the daily cap', () => {
    const { request } = buildBumpRequest();
    expectRefused(
      decide(request, { ...noHistory, outflowLast24hKoinu: testPolicy.dailyCapKoinu - 1_000_000n }),
      'SIGNER_CAP_EXCEEDED',
    );
  });
});

describe('signer policy: sweeps to cold storage (purpose SWEEP)', () => {
  it('signs a sweep to the cold addresses it derives itself, with our change; only the fee counts as outflow', () => {
    const request = buildSweepRequest({ coldAddressIndexes: [0, 7], outputKoinu: 30n * DOGE });
    const signed = expectSigned(decide(request));
    expect(signed).to.include({ purpose: 'SWEEP', outflowKoinu: signed.feeKoinu, changeOutputIndex: 2 });
    const tx = Transaction.fromHex(signed.rawTransactionHex);
    expect(Buffer.from(tx.outs[0]!.script)).to.deep.equal(Buffer.from(coldScript(0)));
    expect(Buffer.from(tx.outs[1]!.script)).to.deep.equal(Buffer.from(coldScript(7)));
    expect(signaturesVerify(request, signed.rawTransactionHex)).to.equal(true);
    expectSigned(decide(buildSweepRequest({ change: false, outputKoinu: 100n * DOGE - 300_000n })));
  });

  it('refuses a sweep to any other address: a foreign one, a cold index not named, our own receive chain', () => {
    expectRefused(
      decide(
        buildSweepRequest({ coldAddressIndexes: [0], outputs: [{ script: foreignScript('receive', 0) }] }),
      ),
      'SIGNER_SWEEP_NOT_COLD',
    );
    expectRefused(
      decide(buildSweepRequest({ coldAddressIndexes: [1], outputs: [{ coldIndex: 2 }] })),
      'SIGNER_SWEEP_NOT_COLD',
    );
    expectRefused(
      decide(
        buildSweepRequest({
          coldAddressIndexes: [0],
          outputs: [{ coldIndex: 0 }, { script: foreignScript('change', 3) }],
          outputKoinu: 30n * DOGE,
        }),
      ),
      'SIGNER_SWEEP_NOT_COLD',
    );
  });

  it('refuses every sweep when no cold account is configured', () => {
    expectRefused(
      decide(buildSweepRequest(), noHistory, { ...testPolicy, coldAccount: null }),
      'SIGNER_SWEEP_NOT_COLD',
    );
  });

  it('keeps the ordinary fee bounds, and answers the same request again from the log', () => {
    expectRefused(decide(buildSweepRequest({ feeKoinu: 2n * DOGE })), 'SIGNER_FEE_TOO_HIGH');
    const request = buildSweepRequest({ requestId: 'sweep-again' });
    const first = expectSigned(decide(request));
    const previousOfRequest: PreviousSigning = { ...first, requestId: request.requestId };
    expect(decide(request, { ...noHistory, previousOfRequest }).kind).to.equal('replayed');
    expectRefused(
      decide(buildSweepRequest({ requestId: 'sweep-again', outputKoinu: 50n * DOGE }), {
        ...noHistory,
        previousOfRequest,
      }),
      'SIGNER_MALFORMED_REQUEST',
    );
  });
});
