/**
 * Proves that sendrawtransaction validates for real and rejects with Dogecoin Core 1.14.9's codes and
 * messages: "-22 TX decode failed", "-25 Missing inputs", "-26 <reject code>: <reason>" from
 * AcceptToMemoryPool, and "-27 transaction already in block chain".
 */
import { expect } from 'chai';
import { parseDoge } from '@dbay/money';
import { BIP66_HEIGHT } from '../src/consensus.js';
import { script as bscript, Transaction } from 'bitcoinjs-lib';
import {
  fundedOutput,
  newWallet,
  p2pkhScript,
  rpcError,
  signedSpend,
  startHarness,
  type BlockJson,
  type Harness,
  type Prevout,
  type TxJson,
  type Wallet,
} from './support.js';

const DOGE = (text: string): bigint => parseDoge(text, { allowZero: true });

describe('sendrawtransaction', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.stop();
  });

  const payTo = (wallet: Wallet, amount: string) => ({ script: wallet.script, value: DOGE(amount) });
  const spendAll = (prevout: Prevout & { wallet: Wallet }, to: Wallet, fee: string): Transaction =>
    signedSpend({
      inputs: [{ prevout, key: prevout.wallet.key }],
      outputs: [{ script: to.script, value: prevout.value - DOGE(fee) }],
    });

  it('accepts a properly signed P2PKH spend and answers with its txid', async () => {
    const coin = await fundedOutput(h, '10');
    const tx = spendAll(coin, newWallet(), '0.01');
    expect(await h.call('sendrawtransaction', tx.toHex())).to.equal(tx.getId());
    expect(await h.call('getrawmempool')).to.include(tx.getId());
    // Resubmitting a mempool transaction is not an error in Core: it is relayed again.
    expect(await h.call('sendrawtransaction', tx.toHex())).to.equal(tx.getId());
    await h.control('mine', { blocks: 1 });
    const again = await rpcError(h.call('sendrawtransaction', tx.toHex()));
    expect([again.status, again.code, again.message]).to.deep.equal([
      500,
      -27,
      'transaction already in block chain',
    ]);
  });

  it('rejects bad hex with -22 "TX decode failed"', async () => {
    for (const hex of ['zz', '0100', '', 'abc']) {
      const error = await rpcError(h.call('sendrawtransaction', hex));
      expect([error.code, error.message]).to.deep.equal([-22, 'TX decode failed']);
    }
  });

  it('rejects unknown inputs with -25 "Missing inputs"', async () => {
    const wallet = newWallet();
    const ghost = { txid: 'ab'.repeat(32), vout: 0, script: wallet.script, value: DOGE('5') };
    const tx = signedSpend({
      inputs: [{ prevout: ghost, key: wallet.key }],
      outputs: [payTo(newWallet(), '4')],
    });
    const error = await rpcError(h.call('sendrawtransaction', tx.toHex()));
    expect([error.status, error.code, error.message]).to.deep.equal([500, -25, 'Missing inputs']);
  });

  it('tells a spent output of a live transaction (18: bad-txns-inputs-spent) from a fully spent one', async () => {
    const owner = newWallet();
    const funded = await h.controlOk<{ hex: string }>('fund', {
      outputs: [
        { address: owner.address, amount: '20' },
        { address: owner.address, amount: '30' },
      ],
    });
    const parent = Transaction.fromHex(funded.hex);
    await h.control('mine', { blocks: 1 });
    const out = (vout: number): Prevout => ({
      txid: parent.getId(),
      vout,
      script: owner.script,
      value: parent.outs[vout]!.value,
    });
    const first = signedSpend({
      inputs: [{ prevout: out(0), key: owner.key }],
      outputs: [payTo(newWallet(), '19.99')],
    });
    await h.call('sendrawtransaction', first.toHex());
    await h.control('mine', { blocks: 1 });
    const reuse = signedSpend({
      inputs: [{ prevout: out(0), key: owner.key }],
      outputs: [payTo(newWallet(), '19.98')],
    });
    const spent = await rpcError(h.call('sendrawtransaction', reuse.toHex()));
    expect([spent.code, spent.message]).to.deep.equal([-26, '18: bad-txns-inputs-spent']);
  });

  it('rejects a signature that does not verify, with the script error Core reports', async () => {
    const coin = await fundedOutput(h, '10');
    const intruder = newWallet();
    // Signed by another key but presenting the owner's public key: NULLFAIL under standard flags.
    const forged = signedSpend({
      inputs: [{ prevout: coin, key: intruder.key }],
      outputs: [payTo(newWallet(), '9.99')],
    });
    forged.setInputScript(
      0,
      Uint8Array.from([...forged.ins[0]!.script.subarray(0, -34), 33, ...coin.wallet.key.publicKey]),
    );
    const nullfail = await rpcError(h.call('sendrawtransaction', forged.toHex()));
    expect([nullfail.code, nullfail.message]).to.deep.equal([
      -26,
      '16: mandatory-script-verify-flag-failed (Signature must be zero for failed CHECK(MULTI)SIG operation)',
    ]);
    // The intruder's own public key does not hash to the output's key hash.
    const wrongKey = signedSpend({
      inputs: [{ prevout: coin, key: intruder.key }],
      outputs: [payTo(newWallet(), '9.99')],
    });
    const equalverify = await rpcError(h.call('sendrawtransaction', wrongKey.toHex()));
    expect(equalverify.message).to.equal(
      '16: mandatory-script-verify-flag-failed (Script failed an OP_EQUALVERIFY operation)',
    );
  });

  it('rejects a good signature in non-canonical DER as policy (64: non-mandatory-script-verify-flag (Non-canonical DER signature)), a bad one as consensus', async () => {
    // src/validation.cpp CheckInputs: the standard flags fail with SCRIPT_ERR_SIG_DER
    // (src/script/interpreter.cpp CheckSignatureEncoding, under DERSIG/STRICTENC/LOW_S); the retry with
    // MANDATORY_SCRIPT_VERIFY_FLAGS (P2SH only, src/policy/policy.h) parses the signature laxly
    // (CPubKey::Verify, ecdsa_signature_parse_der_lax) and passes, so the reject is REJECT_NONSTANDARD
    // with the first check's error. Only a signature that fails even then is "16: mandatory-...".
    const coin = await fundedOutput(h, '10');
    const good = spendAll(coin, newWallet(), '0.01');
    const [sig, pubkey] = bscript.decompile(good.ins[0]!.script) as [Uint8Array, Uint8Array];
    const lenR = sig[3]!;
    const r = sig.subarray(4, 4 + lenR);
    const s = sig.subarray(6 + lenR, -1);
    const hashType = sig[sig.length - 1]!;
    const der = (...body: number[]): Uint8Array => Uint8Array.from([...body, hashType]);
    const berEncodings = {
      // An extra leading zero in R: lax parsing drops it.
      paddedR: der(0x30, 5 + lenR + s.length, 0x02, lenR + 1, 0x00, ...r, 0x02, s.length, ...s),
      // The sequence length in long form (0x81 nn), which strict DER forbids.
      longLength: der(0x30, 0x81, 4 + lenR + s.length, 0x02, lenR, ...r, 0x02, s.length, ...s),
    };
    for (const [name, encoded] of Object.entries(berEncodings)) {
      const tx = Transaction.fromHex(good.toHex());
      tx.setInputScript(0, bscript.compile([encoded, pubkey]));
      const error = await rpcError(h.call('sendrawtransaction', tx.toHex()));
      expect([error.status, error.code, error.message], name).to.deep.equal([
        500,
        -26,
        '64: non-mandatory-script-verify-flag (Non-canonical DER signature)',
      ]);
    }
    // The same encoding around a signature of another transaction fails the mandatory retry too.
    const other = spendAll(coin, newWallet(), '0.02');
    const [otherSig] = bscript.decompile(other.ins[0]!.script) as [Uint8Array];
    const otherLenR = otherSig[3]!;
    const padded = Uint8Array.from([
      0x30,
      otherSig[1]! + 1,
      0x02,
      otherLenR + 1,
      0x00,
      ...otherSig.subarray(4),
    ]);
    const forged = Transaction.fromHex(good.toHex());
    forged.setInputScript(0, bscript.compile([padded, pubkey]));
    const consensus = await rpcError(h.call('sendrawtransaction', forged.toHex()));
    expect([consensus.code, consensus.message]).to.deep.equal([
      -26,
      '16: mandatory-script-verify-flag-failed (Non-canonical DER signature)',
    ]);
    // The canonical encoding of the same signature is accepted.
    expect(await h.call('sendrawtransaction', good.toHex())).to.equal(good.getId());
  });

  it('rejects a padded S, an unpadded negative-looking R and a wrong sequence length around a good signature as policy (64: non-mandatory-script-verify-flag (Non-canonical DER signature)), as BIP66 strict DER is only policy below BIP66Height 1251', async () => {
    // Each breaks IsValidSignatureEncoding (src/script/interpreter.cpp): an integer with a needless
    // leading zero, an integer whose first byte has the sign bit set, a sequence length that is not
    // the signature's size minus 3. ecdsa_signature_parse_der_lax skips leading zeros, reads integers
    // as unsigned and ignores a short-form sequence length, so the mandatory retry verifies each one.
    // The retry uses MANDATORY_SCRIPT_VERIFY_FLAGS whatever the height, so the answer is 64 even where
    // BIP66 is consensus; this chain (about 70 blocks) is far below regtest's BIP66Height anyway.
    const coin = await fundedOutput(h, '10');
    const to = newWallet();
    // Re-sign with another locktime until R needs its 0x00 pad (its top bit is set), about one in two.
    let good: Transaction | undefined;
    for (let locktime = 0; locktime < 64 && good === undefined; locktime++) {
      const tx = signedSpend({
        inputs: [{ prevout: coin, key: coin.wallet.key }],
        outputs: [{ script: to.script, value: coin.value - DOGE('0.01') }],
        locktime,
      });
      const [sig] = bscript.decompile(tx.ins[0]!.script) as [Uint8Array];
      if (sig[3] === 33) good = tx;
    }
    if (good === undefined) throw new Error('no signature with a padded R in 64 tries');
    const [sig, pubkey] = bscript.decompile(good.ins[0]!.script) as [Uint8Array, Uint8Array];
    const r = sig.subarray(4, 4 + 33);
    const s = sig.subarray(4 + 33 + 2, -1);
    const hashType = sig[sig.length - 1]!;
    expect([r[0], r[1]! & 0x80, s[0]! & 0x80]).to.deep.equal([0x00, 0x80, 0]);
    const der = (...body: number[]): Uint8Array => Uint8Array.from([...body, hashType]);
    const encodings = {
      paddedS: der(0x30, 4 + r.length + s.length + 1, 0x02, r.length, ...r, 0x02, s.length + 1, 0x00, ...s),
      unpaddedNegativeR: der(0x30, 4 + 32 + s.length, 0x02, 32, ...r.subarray(1), 0x02, s.length, ...s),
      sequenceLengthTooLong: der(
        0x30,
        4 + r.length + s.length + 1,
        0x02,
        r.length,
        ...r,
        0x02,
        s.length,
        ...s,
      ),
      sequenceLengthTooShort: der(
        0x30,
        4 + r.length + s.length - 1,
        0x02,
        r.length,
        ...r,
        0x02,
        s.length,
        ...s,
      ),
    };
    for (const [name, encoded] of Object.entries(encodings)) {
      const tx = Transaction.fromHex(good.toHex());
      tx.setInputScript(0, bscript.compile([encoded, pubkey]));
      const error = await rpcError(h.call('sendrawtransaction', tx.toHex()));
      expect([error.status, error.code, error.message], name).to.deep.equal([
        500,
        -26,
        '64: non-mandatory-script-verify-flag (Non-canonical DER signature)',
      ]);
    }
    expect(await h.call('sendrawtransaction', good.toHex())).to.equal(good.getId());
  });

  it('rejects a double spend of a mempool transaction with 258: txn-mempool-conflict', async () => {
    const coin = await fundedOutput(h, '10');
    const first = spendAll(coin, newWallet(), '0.01');
    const second = spendAll(coin, newWallet(), '0.02');
    await h.call('sendrawtransaction', first.toHex());
    const error = await rpcError(h.call('sendrawtransaction', second.toHex()));
    expect([error.code, error.message]).to.deep.equal([-26, '258: txn-mempool-conflict']);
  });

  it('lets a BIP 125 signalling transaction be replaced only by a higher fee', async () => {
    const coin = await fundedOutput(h, '10');
    const spend = (fee: string) =>
      signedSpend({
        inputs: [{ prevout: coin, key: coin.wallet.key, sequence: 0xfffffffd }],
        outputs: [{ script: newWallet().script, value: coin.value - DOGE(fee) }],
      });
    const original = spend('0.01');
    await h.call('sendrawtransaction', original.toHex());
    const cheaper = await rpcError(h.call('sendrawtransaction', spend('0.005').toHex()));
    expect(cheaper.message).to.equal('66: insufficient fee');
    const better = spend('0.02');
    await h.call('sendrawtransaction', better.toHex());
    const pool: string[] = await h.call('getrawmempool');
    expect(pool).to.include(better.getId()).and.not.include(original.getId());
  });

  it('rejects a fee below the 0.001 DOGE/kB relay minimum on young, small coins with 66: insufficient priority', async () => {
    // sendrawtransaction calls AcceptToMemoryPool with fLimitFree = false, so the only fee floor is the
    // DEFAULT_RELAYPRIORITY rule: below minRelayTxFeeRate.GetFee(vsize) the coins must be old and large
    // enough (AllowFree); these are 10 DOGE one block deep, far below COIN * 144 / 250 of priority.
    const coin = await fundedOutput(h, '10');
    const free = spendAll(coin, newWallet(), '0');
    const error = await rpcError(h.call('sendrawtransaction', free.toHex()));
    expect([error.status, error.code, error.message]).to.deep.equal([500, -26, '66: insufficient priority']);
    // Exactly the relay minimum, 100 koinu per byte of virtual size, is enough; one koinu less is not.
    // A signature is 71 to 73 bytes, so re-sign (a different locktime gives a different signature)
    // until the size the fee was computed for is the size signed.
    const to = newWallet();
    const atFee = (fee: bigint, locktime: number): Transaction =>
      signedSpend({
        inputs: [{ prevout: coin, key: coin.wallet.key }],
        outputs: [{ script: to.script, value: coin.value - fee }],
        locktime,
      });
    const grind = (feeFor: (vsize: number) => bigint, vsize: number): Transaction => {
      for (let locktime = 0; locktime < 500; locktime++) {
        const tx = atFee(feeFor(vsize), locktime);
        if (tx.virtualSize() === vsize) return tx;
      }
      throw new Error(`no signature gave a ${vsize}-byte transaction`);
    };
    const vsize = free.virtualSize();
    const exact = grind((size) => 100n * BigInt(size), vsize);
    const short = grind((size) => 100n * BigInt(size) - 1n, vsize);
    expect(coin.value - exact.outs[0]!.value).to.equal(100n * BigInt(vsize));
    const rejectedShort = await rpcError(h.call('sendrawtransaction', short.toHex()));
    expect([rejectedShort.code, rejectedShort.message]).to.deep.equal([-26, '66: insufficient priority']);
    expect(await h.call('sendrawtransaction', exact.toHex())).to.equal(exact.getId());
  });

  it('accepts a zero-fee spend of old, large coins, as DEFAULT_RELAYPRIORITY does', async () => {
    const coin = await fundedOutput(h, '100000', 2);
    const free = spendAll(coin, newWallet(), '0');
    expect(await h.call('sendrawtransaction', free.toHex())).to.equal(free.getId());
  });

  it('rejects outputs below the hard dust limit (0.001 DOGE) with 64: dust', async () => {
    const coin = await fundedOutput(h, '10');
    const dusty = signedSpend({
      inputs: [{ prevout: coin, key: coin.wallet.key }],
      outputs: [payTo(newWallet(), '0.00099999'), payTo(newWallet(), '9.98')],
    });
    const error = await rpcError(h.call('sendrawtransaction', dusty.toHex()));
    expect([error.code, error.message]).to.deep.equal([-26, '64: dust']);
    // At the hard limit the output is standard; the soft limit only costs extra fee.
    const atLimit = signedSpend({
      inputs: [{ prevout: coin, key: coin.wallet.key }],
      outputs: [payTo(newWallet(), '0.001'), payTo(newWallet(), '9.98')],
    });
    expect(await h.call('sendrawtransaction', atLimit.toHex())).to.equal(atLimit.getId());
  });

  it('rejects a coinbase spend before 60 confirmations with 16: bad-txns-premature-spend-of-coinbase', async () => {
    const miner = newWallet();
    const [hash] = await h.call<string[]>('generatetoaddress', 1, miner.address);
    const block = await h.call<BlockJson<TxJson>>('getblock', hash, 2);
    const coinbase = Transaction.fromHex(await h.call<string>('getrawtransaction', block.tx[0]!.txid));
    const prevout = {
      txid: coinbase.getId(),
      vout: 0,
      script: coinbase.outs[0]!.script,
      value: coinbase.outs[0]!.value,
    };
    expect(Buffer.from(prevout.script).toString('hex')).to.equal(
      Buffer.from(p2pkhScript(miner.key.publicKey)).toString('hex'),
    );
    const spend = () =>
      signedSpend({
        inputs: [{ prevout, key: miner.key }],
        outputs: [{ script: newWallet().script, value: prevout.value - DOGE('1') }],
      });
    const early = await rpcError(h.call('sendrawtransaction', spend().toHex()));
    expect([early.code, early.message]).to.deep.equal([-26, '16: bad-txns-premature-spend-of-coinbase']);
    // Spendable once the next block would be 60 blocks above the coinbase.
    await h.call('generate', 58);
    const stillEarly = await rpcError(h.call('sendrawtransaction', spend().toHex()));
    expect(stillEarly.message).to.equal('16: bad-txns-premature-spend-of-coinbase');
    await h.call('generate', 1);
    const mature = spend();
    expect(await h.call('sendrawtransaction', mature.toHex())).to.equal(mature.getId());
  });

  it('caps fees at 100 DOGE unless allowhighfees is set (256: absurdly-high-fee)', async () => {
    const coin = await fundedOutput(h, '1000');
    const generous = spendAll(coin, newWallet(), '150');
    const error = await rpcError(h.call('sendrawtransaction', generous.toHex()));
    expect([error.code, error.message]).to.deep.equal([-26, '256: absurdly-high-fee']);
    expect(await h.call('sendrawtransaction', generous.toHex(), true)).to.equal(generous.getId());
  });

  it('rejects spending more than the inputs (16: bad-txns-in-belowout) and nonstandard outputs', async () => {
    const coin = await fundedOutput(h, '100000', 2);
    const inflated = spendAll(coin, newWallet(), '0');
    inflated.outs[0]!.value += 1n;
    const resigned = signedSpend({
      inputs: [{ prevout: coin, key: coin.wallet.key }],
      outputs: [{ script: inflated.outs[0]!.script, value: inflated.outs[0]!.value }],
    });
    expect((await rpcError(h.call('sendrawtransaction', resigned.toHex()))).message).to.equal(
      '16: bad-txns-in-belowout',
    );
    const bigData = Uint8Array.from([0x6a, 0x4c, 81, ...new Uint8Array(81)]);
    const opReturn = signedSpend({
      inputs: [{ prevout: coin, key: coin.wallet.key }],
      outputs: [{ script: bigData, value: 0n }, payTo(newWallet(), '99999')],
    });
    expect((await rpcError(h.call('sendrawtransaction', opReturn.toHex()))).message).to.equal(
      '64: scriptpubkey',
    );
  });

  it('checks parameter types and arity like RPCTypeCheck and the help text', async () => {
    const typed = await rpcError(h.call('sendrawtransaction', 123));
    expect([typed.code, typed.message]).to.deep.equal([-3, 'Expected type string, got number']);
    const flag = await rpcError(h.call('sendrawtransaction', '00', 'yes'));
    expect([flag.code, flag.message]).to.deep.equal([-3, 'Expected type bool, got string']);
    const arity = await rpcError(h.call('sendrawtransaction'));
    expect(arity.code).to.equal(-1);
    expect(arity.message).to.match(/^sendrawtransaction "hexstring" \( allowhighfees \)\n/);
  });

  describe('above BIP66Height, where DERSIG is consensus for blocks', () => {
    let high: Harness;
    before(async function () {
      // About 1,200 blocks with their proof of work and fsync: a few seconds, on a node of its own.
      this.timeout(60_000);
      high = await startHarness();
      const height = await high.call<number>('getblockcount');
      await high.control('mine', { blocks: BIP66_HEIGHT + 1 - height });
    });
    after(async () => {
      await high.stop();
    });

    it('still answers a good signature in non-canonical DER with 64: non-mandatory-script-verify-flag, as ATMP retries with MANDATORY_SCRIPT_VERIFY_FLAGS (P2SH only), not the block flags', async () => {
      // src/validation.cpp CheckInputs retries with flags & ~STANDARD_NOT_MANDATORY_VERIFY_FLAGS; the
      // height-dependent GetBlockScriptFlags (DERSIG from BIP66Height) only apply to connecting blocks.
      const info = await high.call<{
        blocks: number;
        softforks: { id: string; reject: { status: boolean } }[];
      }>('getblockchaininfo');
      expect(info.blocks).to.be.greaterThan(BIP66_HEIGHT);
      expect(info.softforks.find((fork) => fork.id === 'bip66')?.reject.status).to.equal(true);
      const coin = await fundedOutput(high, '10');
      const good = spendAll(coin, newWallet(), '0.01');
      const [sig, pubkey] = bscript.decompile(good.ins[0]!.script) as [Uint8Array, Uint8Array];
      const padded = Uint8Array.from([0x30, sig[1]! + 1, 0x02, sig[3]! + 1, 0x00, ...sig.subarray(4)]);
      const tx = Transaction.fromHex(good.toHex());
      tx.setInputScript(0, bscript.compile([padded, pubkey]));
      const error = await rpcError(high.call('sendrawtransaction', tx.toHex()));
      expect([error.code, error.message]).to.deep.equal([
        -26,
        '64: non-mandatory-script-verify-flag (Non-canonical DER signature)',
      ]);
      expect(await high.call('sendrawtransaction', good.toHex())).to.equal(good.getId());
    });
  });
});
