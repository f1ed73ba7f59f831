/**
 * Proves /control/congestion models a congested mainnet miner (Core with -blockprioritysize=0 and
 * -blockmintxfee at the floor): transactions are still accepted into the mempool, but blocks take
 * only ancestor packages at or above the floor, with no priority area. A parent paying 0.01 DOGE/kB
 * stays unmined through every way of mining until a child lifts its package to the floor (child pays
 * for parent); clearing the floor mines the rest as before. Also the command's validation, the
 * status field, and that the floor is forgotten on restart like a fault.
 */
import { expect } from 'chai';
import type { Transaction } from 'bitcoinjs-lib';
import { feeForSize } from '../src/accept.js';
import {
  freshDataDir,
  fundedOutput,
  newWallet,
  signedSpend,
  startHarness,
  type BlockJson,
  type Harness,
  type MempoolEntryJson,
  type Prevout,
  type Spend,
  type StatusResult,
  type Wallet,
} from './support.js';

/** Fee rates in koinu per kB. */
const FLOOR = 5_000_000n; // 0.05 DOGE/kB, the congestion floor
const NORMAL = 1_000_000n; // 0.01 DOGE/kB, Core's -blockmintxfee and the platform's usual rate
const RELAY = 100_000n; // 0.001 DOGE/kB, the minimum relay fee

/**
 * A spend of these coins to these scripts (the value split evenly) whose fee is exactly
 * feeFor(its own size). The fee changes the signatures and so, by a byte, the size, and with
 * deterministic (RFC 6979) signatures that can flip between two sizes for ever: each attempt therefore
 * also changes the inputs' nSequence (still final with nLockTime 0), which gives new signatures, until
 * the size the fee was computed for is the size of the result.
 */
function spendPaying(
  inputs: Spend['inputs'],
  scripts: Uint8Array[],
  feeFor: (size: number) => bigint,
): Transaction {
  const total = inputs.reduce((sum, input) => sum + input.prevout.value, 0n);
  let size = 0;
  for (let attempt = 0; attempt < 50; attempt++) {
    const fee = feeFor(size);
    const share = (total - fee) / BigInt(scripts.length);
    const remainder = total - fee - share * BigInt(scripts.length);
    const tx = signedSpend({
      inputs: inputs.map((input) => ({ ...input, sequence: 0xffffffff - attempt })),
      outputs: scripts.map((script, i) => ({ script, value: share + (i === 0 ? remainder : 0n) })),
    });
    if (tx.byteLength() === size) return tx;
    size = tx.byteLength();
  }
  throw new Error('the size did not settle');
}

const feeOf = (tx: Transaction, inputs: Prevout[]): bigint =>
  inputs.reduce((sum, p) => sum + p.value, 0n) - tx.outs.reduce((sum, o) => sum + o.value, 0n);

const output = (tx: Transaction, vout: number, wallet: Wallet): Prevout => ({
  txid: tx.getId(),
  vout,
  script: wallet.script,
  value: tx.outs[vout]!.value,
});

describe('congestion (a block-assembly fee-rate floor)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.stop();
  });

  const blockTxids = async (hash: string): Promise<string[]> =>
    (await h.call<BlockJson>('getblock', hash)).tx;

  it('sets and clears the floor, reports it in status, refuses bad floors and is forgotten on restart', async () => {
    const dataDir = freshDataDir();
    const first = await startHarness(dataDir);
    try {
      expect((await first.controlOk<StatusResult>('status')).congestionMinFeePerKb).to.equal(null);
      expect(await first.controlOk('congestion', { minFeePerKb: '0.05' })).to.deep.equal({
        minFeePerKb: '0.05000000',
      });
      expect((await first.controlOk<StatusResult>('status')).congestionMinFeePerKb).to.equal('0.05000000');
      expect(await first.controlOk('congestion', { minFeePerKb: '100' })).to.deep.equal({
        minFeePerKb: '100.00000000',
      });
      expect(await first.controlOk('congestion', { minFeePerKb: '0.00000001' })).to.deep.equal({
        minFeePerKb: '0.00000001',
      });
      await first.controlOk('congestion', { minFeePerKb: '0.05' });
      const refused = [
        {},
        { minFeePerKb: 0.05 },
        { minFeePerKb: '-0.05' },
        { minFeePerKb: 'lots' },
        { minFeePerKb: '5e-2' },
        { minFeePerKb: ' 0.05' },
        { minFeePerKb: '0.050000001' },
        { minFeePerKb: '0' },
        { minFeePerKb: '100.00000001' },
        { minFeePerKb: '1000000' },
        { minFeePerKb: true },
      ];
      for (const body of refused) {
        const error = await first.controlError('congestion', body);
        expect([error.status, error.code], JSON.stringify(body)).to.deep.equal([400, 'REGTEST_BAD_REQUEST']);
        expect(error.message).to.contain('minFeePerKb');
      }
      // A refused request leaves the floor as it was.
      expect((await first.controlOk<StatusResult>('status')).congestionMinFeePerKb).to.equal('0.05000000');
    } finally {
      await first.stop();
    }

    const second = await startHarness(dataDir);
    try {
      expect((await second.controlOk<StatusResult>('status')).congestionMinFeePerKb).to.equal(null);
      await second.controlOk('congestion', { minFeePerKb: '0.05' });
      expect(await second.controlOk('congestion', { minFeePerKb: null })).to.deep.equal({
        minFeePerKb: null,
      });
      expect((await second.controlOk<StatusResult>('status')).congestionMinFeePerKb).to.equal(null);
    } finally {
      await second.stop();
    }
  });

  it('keeps a 0.01 DOGE/kB parent unmined through every way of mining until a child lifts its package to the floor', async () => {
    // Coins for the parent, a 0.001 DOGE/kB spend of old, large coins (mined only through the priority
    // area) and an ordinary 0.01 DOGE/kB spend: funded and confirmed before the congestion begins.
    const parentCoin = await fundedOutput(h, '100', 0);
    const priorityCoin = await fundedOutput(h, '100', 0);
    const normalCoin = await fundedOutput(h, '10', 1);
    await h.controlOk('congestion', { minFeePerKb: '0.05' });

    const wallet = newWallet();
    const parent = spendPaying(
      [{ prevout: parentCoin, key: parentCoin.wallet.key }],
      [wallet.script, wallet.script],
      (size) => feeForSize(NORMAL, size),
    );
    const slow = spendPaying(
      [{ prevout: priorityCoin, key: priorityCoin.wallet.key }],
      [newWallet().script],
      (size) => feeForSize(RELAY, size),
    );
    const normal = spendPaying(
      [{ prevout: normalCoin, key: normalCoin.wallet.key }],
      [newWallet().script],
      (size) => feeForSize(NORMAL, size),
    );
    // Mempool acceptance is unchanged: all three are relayed.
    for (const tx of [parent, slow, normal])
      expect(await h.call('sendrawtransaction', tx.toHex())).to.equal(tx.getId());
    const parentSize = parent.byteLength();
    const parentFee = feeOf(parent, [parentCoin]);
    expect((await h.call<MempoolEntryJson>('getmempoolentry', parent.getId())).size).to.equal(parentSize);
    const waiting = [parent.getId(), slow.getId(), normal.getId()];

    // generate, generatetoaddress, /control/mine and /control/reorg all leave them in the mempool.
    const mined = [
      ...(await h.call<string[]>('generate', 1)),
      ...(await h.call<string[]>('generatetoaddress', 1, newWallet().address)),
      ...(await h.controlOk<{ blockHashes: string[] }>('mine', { blocks: 2 })).blockHashes,
      ...(await h.controlOk<{ connected: string[] }>('reorg', { depth: 1 })).connected,
    ];
    expect(mined).to.have.length(6);
    for (const hash of mined) expect(await blockTxids(hash)).to.have.length(1);
    expect(await h.call<string[]>('getrawmempool')).to.include.members(waiting);

    // A child whose package (parent + child) pays one koinu less than the floor: both stay.
    const shortChild = spendPaying(
      [{ prevout: output(parent, 0, wallet), key: wallet.key }],
      [newWallet().script],
      (size) => feeForSize(FLOOR, parentSize + size) - parentFee - 1n,
    );
    await h.call('sendrawtransaction', shortChild.toHex());
    const [shortBlock] = await h.call<string[]>('generate', 1);
    expect(await blockTxids(shortBlock!)).to.have.length(1);
    expect(await h.call<string[]>('getrawmempool')).to.include.members([...waiting, shortChild.getId()]);

    // A child that lifts the package to exactly the floor: the next block mines the parent with it.
    // Once the parent is in, the first child is a package of its own, far above the floor, and follows.
    const child = spendPaying(
      [{ prevout: output(parent, 1, wallet), key: wallet.key }],
      [newWallet().script],
      (size) => feeForSize(FLOOR, parentSize + size) - parentFee,
    );
    await h.call('sendrawtransaction', child.toHex());
    const [cpfpBlock] = await h.call<string[]>('generate', 1);
    expect((await blockTxids(cpfpBlock!)).slice(1)).to.deep.equal([
      parent.getId(),
      child.getId(),
      shortChild.getId(),
    ]);
    // The two below the floor (and outside the now closed priority area) still wait.
    expect(await h.call<string[]>('getrawmempool')).to.have.members([slow.getId(), normal.getId()]);
    const [stillBlock] = await h.controlOk<{ blockHashes: string[] }>('mine', {}).then((r) => r.blockHashes);
    expect(await blockTxids(stillBlock!)).to.have.length(1);

    // Cleared, block assembly is Core's again: the priority area and the 0.01 DOGE/kB package.
    await h.controlOk('congestion', { minFeePerKb: null });
    const [clearBlock] = await h.call<string[]>('generate', 1);
    expect(await blockTxids(clearBlock!)).to.include.members([slow.getId(), normal.getId()]);
    expect(await h.call<string[]>('getrawmempool')).to.deep.equal([]);
  });
});
