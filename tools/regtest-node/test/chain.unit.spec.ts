/**
 * Proves the chain behaves like Dogecoin Core 1.14 through reorgs: a staged reorg drops a transaction
 * from the chain for good, returned transactions go back to the mempool and are mined again,
 * invalidateblock/reconsiderblock switch branches, -txindex keeps stale entries, the subsidy halves
 * every 150 blocks, low-fee transactions are mined through the priority area, and the mempool expires
 * transactions after 24 hours. getblock at verbosity 0 is the serialized block.
 */
import { expect } from 'chai';
import { Block } from 'bitcoinjs-lib';
import { blockSubsidy, COIN } from '../src/consensus.js';
import {
  fundedOutput,
  newWallet,
  signedSpend,
  startHarness,
  type BlockJson,
  type ChainTipJson,
  type Harness,
  type MempoolEntryJson,
  type RpcReply,
  type ReorgResult,
  type TxJson,
} from './support.js';

describe('chain, reorgs and mining', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.stop();
  });

  it('a staged reorg with drop removes a confirmed transaction from the chain and the mempool', async () => {
    const coin = await fundedOutput(h, '7', 1);
    const oldTip: string = await h.call('getbestblockhash');
    const height: number = await h.call('getblockcount');
    const reorg = await h.controlOk<ReorgResult>('reorg', { depth: 1, drop: [coin.txid] });
    expect(reorg.disconnected).to.deep.equal([oldTip]);
    expect(reorg.connected).to.have.length(2);
    expect(reorg.dropped).to.include(coin.txid);
    expect(await h.call('getblockcount')).to.equal(height + 1);
    expect(await h.call('getrawmempool')).to.not.include(coin.txid);
    expect(await h.call('gettxout', coin.txid, 0)).to.equal(null);
    for (const hash of reorg.connected)
      expect((await h.call<BlockJson>('getblock', hash)).tx).to.not.include(coin.txid);
    // The old block stays known, off the main chain.
    const stale = await h.call<BlockJson>('getblock', oldTip);
    expect(stale.confirmations).to.equal(-1);
    expect(stale).to.not.have.property('nextblockhash');
    const tips = await h.call<ChainTipJson[]>('getchaintips');
    expect(tips).to.deep.include({ height, hash: oldTip, branchlen: 1, status: 'valid-fork' });
    // Core 1.14's -txindex is not rewritten on disconnect: the transaction is still found, unconfirmed.
    const indexed = await h.call<TxJson>('getrawtransaction', coin.txid, true);
    expect([indexed.blockhash, indexed.confirmations]).to.deep.equal([oldTip, 0]);
    expect(indexed).to.not.have.property('blocktime');
  });

  it('a reorg without drop returns transactions to the mempool and mines them again', async () => {
    const coin = await fundedOutput(h, '8', 1);
    const firstBlock = (await h.call<TxJson>('getrawtransaction', coin.txid, true)).blockhash;
    const reorg = await h.controlOk<ReorgResult>('reorg', { depth: 2, blocks: 3 });
    expect(reorg.dropped).to.deep.equal([]);
    const again = await h.call<TxJson>('getrawtransaction', coin.txid, true);
    expect(again.blockhash).to.be.a('string').and.not.equal(firstBlock);
    expect(reorg.connected).to.include(again.blockhash);
  });

  it('dropReturned keeps every returned transaction out, with its descendants', async () => {
    const coin = await fundedOutput(h, '9', 0);
    const child = signedSpend({
      inputs: [{ prevout: coin, key: coin.wallet.key }],
      outputs: [{ script: newWallet().script, value: coin.value - COIN / 100n }],
    });
    await h.call('sendrawtransaction', child.toHex());
    await h.control('mine', { blocks: 1 });
    const reorg = await h.controlOk<ReorgResult>('reorg', { depth: 1, dropReturned: true });
    expect(reorg.dropped).to.include.members([coin.txid, child.getId()]);
    expect(await h.call('gettxout', child.getId(), 0)).to.equal(null);
  });

  it('invalidateblock and reconsiderblock switch between branches', async () => {
    const coin = await fundedOutput(h, '11', 1);
    const tip: string = await h.call('getbestblockhash');
    const height: number = await h.call('getblockcount');
    expect(await h.call('invalidateblock', tip)).to.equal(null);
    expect(await h.call('getblockcount')).to.equal(height - 1);
    expect(await h.call('getrawmempool')).to.include(coin.txid);
    expect((await h.call<ChainTipJson[]>('getchaintips')).find((t) => t.hash === tip)?.status).to.equal(
      'invalid',
    );
    // headers keeps the best header seen (pindexBestHeader is not lowered by invalidateblock).
    expect((await h.call<{ headers: number }>('getblockchaininfo')).headers).to.equal(height);
    expect(await h.call('reconsiderblock', tip)).to.equal(null);
    expect(await h.call('getbestblockhash')).to.equal(tip);
    expect(await h.call('getrawmempool')).to.not.include(coin.txid);
    const unknown = await h.post<RpcReply>({ id: 1, method: 'invalidateblock', params: ['00'.repeat(32)] });
    expect(unknown.json.error).to.deep.equal({ code: -5, message: 'Block not found' });
  });

  it('pays 500,000 DOGE halving every 150 blocks, then 10,000 DOGE from block 900', () => {
    expect(
      [0, 149, 150, 299, 300, 899, 900, 5000].map((height) => blockSubsidy(height) / COIN),
    ).to.deep.equal([500000n, 500000n, 250000n, 250000n, 125000n, 15625n, 10000n, 10000n]);
  });

  it('mines coinbases with the subsidy plus fees and a zero-value witness commitment', async () => {
    await fundedOutput(h, '1', 0);
    const pool = await h.call<Record<string, MempoolEntryJson>>('getrawmempool', true);
    const fees = Object.values(pool).reduce((sum, e) => sum + e.descendantfees, 0);
    const [hash] = await h.call<string[]>('generate', 1);
    const block = await h.call<BlockJson<TxJson>>('getblock', hash, 2);
    const coinbase = block.tx[0]!;
    const expected = blockSubsidy(block.height) + BigInt(fees);
    expect(BigInt(Math.round(coinbase.vout[0]!.value * 1e8))).to.equal(expected);
    expect(coinbase.vout[1]!.scriptPubKey.hex).to.match(/^6a24aa21a9ed[0-9a-f]{64}$/);
  });

  it('answers getblock at verbosity 0 (or false) with the serialized block, as Core 1.14 does', async () => {
    const coin = await fundedOutput(h, '3', 0);
    const [hash] = await h.call<string[]>('generate', 1);
    const hex = await h.call<string>('getblock', hash, 0);
    expect(await h.call<string>('getblock', hash, false)).to.equal(hex);
    expect(hex).to.match(/^(?:[0-9a-f]{2})+$/);
    // Core's hex is the block's own serialization: it hashes to the block and holds the mined spend.
    const block = Block.fromHex(hex);
    expect(block.getId()).to.equal(hash);
    const verbose = await h.call<BlockJson>('getblock', hash, 1);
    expect(block.transactions!.map((tx) => tx.getId())).to.deep.equal(verbose.tx);
    expect(verbose.tx).to.include(coin.txid);
    expect(hex.length / 2).to.equal(verbose.size);
  });

  it('mines a 0.001 DOGE/kB transaction through the priority area, as Dogecoin miners do', async () => {
    const coin = await fundedOutput(h, '50', 1);
    const slow = signedSpend({
      inputs: [{ prevout: coin, key: coin.wallet.key }],
      outputs: [{ script: newWallet().script, value: coin.value - 30_000n }],
    });
    await h.call('sendrawtransaction', slow.toHex());
    await h.call('generate', 1);
    expect((await h.call<TxJson>('getrawtransaction', slow.getId(), true)).confirmations).to.equal(1);
  });

  it('expires mempool transactions after 24 hours (DEFAULT_MEMPOOL_EXPIRY)', async () => {
    const old = await fundedOutput(h, '12', 0);
    const now = Math.floor(Date.now() / 1000);
    await h.call('setmocktime', now + 24 * 3600 + 60);
    const fresh = await fundedOutput(h, '13', 0);
    const pool: string[] = await h.call('getrawmempool');
    expect(pool).to.include(fresh.txid).and.not.include(old.txid);
    await h.call('setmocktime', 0);
    await h.call('generate', 1);
  });

  it('drop-mempool removes a transaction and its descendants', async () => {
    const coin = await fundedOutput(h, '14', 0);
    const child = signedSpend({
      inputs: [{ prevout: coin, key: coin.wallet.key }],
      outputs: [{ script: newWallet().script, value: coin.value - COIN / 100n }],
    });
    await h.call('sendrawtransaction', child.toHex());
    const dropped = await h.controlOk<{ dropped: string[] }>('drop-mempool', { txid: coin.txid });
    expect(dropped.dropped).to.have.members([coin.txid, child.getId()]);
    const again = await h.controlError('drop-mempool', { txid: coin.txid });
    expect([again.status, again.code]).to.deep.equal([404, 'REGTEST_NOT_IN_MEMPOOL']);
  });
});
