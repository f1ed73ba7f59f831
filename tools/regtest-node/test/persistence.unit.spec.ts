/**
 * Proves the simulator's state survives a restart: blocks, the active tip, invalidated blocks, the
 * mempool with its entry times, the transaction index and the faucet key; and that a block log torn
 * by a crash in the middle of a write is recovered from.
 */
import { expect } from 'chai';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  freshDataDir,
  fundedOutput,
  startHarness,
  type BlockJson,
  type MempoolEntryJson,
  type StatusResult,
  type TxJson,
} from './support.js';

describe('persistence', () => {
  it('a restarted node has the same chain, mempool, index and faucet', async () => {
    const dataDir = freshDataDir();
    const first = await startHarness(dataDir);
    const confirmed = await fundedOutput(first, '21', 2);
    const pending = await fundedOutput(first, '22', 0);
    const tip: string = await first.call('getbestblockhash');
    await first.call('invalidateblock', tip);
    const before = {
      height: await first.call('getblockcount'),
      best: await first.call('getbestblockhash'),
      mempool: await first.call<Record<string, MempoolEntryJson>>('getrawmempool', true),
      faucet: (await first.controlOk<StatusResult>('status')).faucetAddress,
    };
    await first.stop();

    const second = await startHarness(dataDir);
    try {
      expect(await second.call('getblockcount')).to.equal(before.height);
      expect(await second.call('getbestblockhash')).to.equal(before.best);
      // Core reloads mempool.dat through AcceptToMemoryPool: the entry time is kept, the entry height
      // and starting priority are those of the current tip.
      const after = await second.call<Record<string, MempoolEntryJson>>('getrawmempool', true);
      expect(Object.keys(after)).to.deep.equal(Object.keys(before.mempool)).and.include(pending.txid);
      expect([after[pending.txid]?.time, after[pending.txid]?.fee]).to.deep.equal([
        before.mempool[pending.txid]!.time,
        before.mempool[pending.txid]!.fee,
      ]);
      expect((await second.controlOk<StatusResult>('status')).faucetAddress).to.equal(before.faucet);
      expect(
        (await second.call<TxJson>('getrawtransaction', confirmed.txid, true)).confirmations,
      ).to.be.greaterThan(0);
      expect((await second.call<BlockJson>('getblock', tip)).confirmations).to.equal(-1);
      await second.call('reconsiderblock', tip);
      expect(await second.call('getbestblockhash')).to.equal(tip);
    } finally {
      await second.stop();
    }
  });

  it('ignores a torn last line of the block log', async () => {
    const dataDir = freshDataDir();
    const first = await startHarness(dataDir);
    const height: number = await first.call('getblockcount');
    await first.stop();
    appendFileSync(join(dataDir, 'blocks.jsonl'), '{"hex":"0400620');
    const second = await startHarness(dataDir);
    try {
      expect(await second.call('getblockcount')).to.equal(height);
      expect(await second.call<string[]>('generate', 1)).to.have.length(1);
    } finally {
      await second.stop();
    }
    const third = await startHarness(dataDir);
    try {
      expect(await third.call('getblockcount')).to.equal(height + 1);
    } finally {
      await third.stop();
    }
  });
});
