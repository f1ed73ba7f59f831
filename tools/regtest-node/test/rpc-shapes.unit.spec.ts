/**
 * Proves every implemented RPC method answers with Dogecoin Core 1.14.9's result shape: field names
 * and order, value types, amounts written as 8-decimal numbers, and the errors Core gives for bad
 * parameters (src/rpc/blockchain.cpp, rawtransaction.cpp, mining.cpp, net.cpp, misc.cpp).
 */
import { expect } from 'chai';
import { Transaction } from 'bitcoinjs-lib';
import { GENESIS_HASH, NODE_BLOOM, NODE_NETWORK, NODE_WITNESS } from '../src/consensus.js';
import {
  fundedOutput,
  newWallet,
  rpcError,
  signedSpend,
  startHarness,
  type BlockJson,
  type ChainTipJson,
  type GetTxOutJson,
  type Harness,
  type MempoolEntryJson,
  type Prevout,
  type StatusResult,
  type TxJson,
  type Wallet,
} from './support.js';

/** The parts of getblockchaininfo, getnetworkinfo, getblockheader and getmempoolinfo the tests read. */
interface ChainInfoJson {
  chain: string;
  blocks: number;
  headers: number;
  bestblockhash: string;
  chainwork: string;
  initialblockdownload: boolean;
  softforks: unknown[];
  bip9_softforks: Record<string, unknown>;
}
interface NetworkInfoJson {
  version: number;
  subversion: string;
  protocolversion: number;
  localservices: string;
}
interface HeaderJson {
  height: number;
  version: number;
  versionHex: string;
  bits: string;
  previousblockhash?: string;
}
interface MempoolInfoJson {
  size: number;
  maxmempool: number;
  mempoolminfee: number;
}

const HEX64 = /^[0-9a-f]{64}$/;

describe('RPC result shapes', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.stop();
  });

  it('getblockchaininfo', async () => {
    const info = await h.call<ChainInfoJson>('getblockchaininfo');
    expect(Object.keys(info)).to.deep.equal([
      'chain',
      'blocks',
      'headers',
      'bestblockhash',
      'difficulty',
      'mediantime',
      'verificationprogress',
      'initialblockdownload',
      'chainwork',
      'size_on_disk',
      'pruned',
      'softforks',
      'bip9_softforks',
      'warnings',
    ]);
    expect(info.chain).to.equal('regtest');
    expect(info.blocks).to.equal(await h.call('getblockcount'));
    expect(info.headers).to.equal(info.blocks);
    expect(info.bestblockhash).to.equal(await h.call('getbestblockhash'));
    expect(info.chainwork).to.equal((2 * (info.blocks + 1)).toString(16).padStart(64, '0'));
    expect(info.initialblockdownload).to.equal(false);
    expect(info.softforks).to.deep.equal([
      { id: 'bip34', version: 2, reject: { status: false } },
      { id: 'bip66', version: 3, reject: { status: false } },
      { id: 'bip65', version: 4, reject: { status: false } },
    ]);
    expect(info.bip9_softforks['csv']).to.deep.equal({
      status: 'defined',
      startTime: 0,
      timeout: 999999999999,
      since: 0,
    });
    const raw = (await h.post({ id: 1, method: 'getblockchaininfo', params: [] })).text;
    expect(raw).to.contain('"difficulty":4.656542373906925e-10,');
    expect(raw).to.contain('"verificationprogress":1,');
  });

  it('getnetworkinfo, with Dogecoin 1.14.6+ dust limits and the relay fee written as Core writes amounts', async () => {
    const info = await h.call<NetworkInfoJson>('getnetworkinfo');
    expect(Object.keys(info)).to.deep.equal([
      'version',
      'subversion',
      'protocolversion',
      'localservices',
      'localrelay',
      'timeoffset',
      'networkactive',
      'connections',
      'networks',
      'relayfee',
      'incrementalfee',
      'softdustlimit',
      'harddustlimit',
      'localaddresses',
      'warnings',
    ]);
    expect([info.version, info.subversion, info.protocolversion]).to.deep.equal([
      1140900,
      '/Shibetoshi:1.14.9/',
      70015,
    ]);
    const raw = (await h.post({ id: 1, method: 'getnetworkinfo', params: [] })).text;
    expect(raw).to.contain(
      '"relayfee":0.00100000,"incrementalfee":0.00010000,"softdustlimit":0.01000000,"harddustlimit":0.00100000',
    );
  });

  it('getnetworkinfo.localservices is "000000000000000d": NODE_NETWORK | NODE_BLOOM | NODE_WITNESS, as init.cpp sets them on regtest', async () => {
    // src/init.cpp: NODE_NETWORK unless pruned, NODE_BLOOM by -peerbloomfilters (default true),
    // NODE_WITNESS because regtest's segwit deployment has a non-zero nTimeout; src/rpc/net.cpp
    // prints the flags as 16 hex digits.
    const info = await h.call<NetworkInfoJson>('getnetworkinfo');
    expect(info.localservices).to.equal('000000000000000d');
    expect(Number.parseInt(info.localservices, 16)).to.equal(NODE_NETWORK | NODE_BLOOM | NODE_WITNESS);
    expect([NODE_NETWORK, NODE_BLOOM, NODE_WITNESS]).to.deep.equal([1, 4, 8]);
  });

  it('getblockhash, getblockheader (verbose and hex) and their errors', async () => {
    expect(await h.call('getblockhash', 0)).to.equal(GENESIS_HASH);
    const out = await rpcError(h.call('getblockhash', 1_000_000));
    expect([out.code, out.message]).to.deep.equal([-8, 'Block height out of range']);
    const typed = await rpcError(h.call('getblockhash', '1'));
    expect([typed.code, typed.message]).to.deep.equal([-1, 'JSON value is not an integer as expected']);
    const hash = await h.call<string>('getblockhash', 1);
    const header = await h.call<HeaderJson>('getblockheader', hash);
    expect(Object.keys(header)).to.deep.equal([
      'hash',
      'confirmations',
      'height',
      'version',
      'versionHex',
      'merkleroot',
      'time',
      'mediantime',
      'nonce',
      'bits',
      'difficulty',
      'chainwork',
      'previousblockhash',
      'nextblockhash',
    ]);
    expect([header.height, header.version, header.versionHex, header.bits]).to.deep.equal([
      1,
      6422532,
      '00620004',
      '207fffff',
    ]);
    expect(header.previousblockhash).to.equal(GENESIS_HASH);
    const hex: string = await h.call('getblockheader', hash, false);
    expect(hex).to.have.length(160);
    const genesis = await h.call<HeaderJson>('getblockheader', GENESIS_HASH);
    expect(genesis).to.not.have.property('previousblockhash');
    const missing = await rpcError(h.call('getblockheader', '00'.repeat(32)));
    expect([missing.code, missing.message]).to.deep.equal([-5, 'Block not found']);
  });

  it('getblock with verbosity 0, 1, 2 and the boolean form', async () => {
    const coin = await fundedOutput(h, '3', 0);
    const [hash] = await h.call<string[]>('generate', 1);
    const hex: string = await h.call('getblock', hash, 0);
    expect(await h.call('getblock', hash, false)).to.equal(hex);
    const one = await h.call<BlockJson>('getblock', hash, 1);
    expect(await h.call('getblock', hash, true)).to.deep.equal(one);
    expect(await h.call('getblock', hash)).to.deep.equal(one);
    expect(Object.keys(one)).to.deep.equal([
      'hash',
      'confirmations',
      'strippedsize',
      'size',
      'weight',
      'height',
      'version',
      'versionHex',
      'merkleroot',
      'tx',
      'time',
      'mediantime',
      'nonce',
      'bits',
      'difficulty',
      'chainwork',
      'previousblockhash',
    ]);
    expect(one.tx).to.have.length(2);
    expect(one.tx[1]).to.equal(coin.txid);
    expect([one.confirmations, one.size, one.weight]).to.deep.equal([1, hex.length / 2, 2 * hex.length]);
    const two = await h.call<BlockJson<TxJson>>('getblock', hash, 2);
    expect(Object.keys(two)).to.deep.equal(Object.keys(one));
    // getrawtransaction's shape without "hex" and without the block fields (TxToJSON with no block).
    expect(Object.keys(two.tx[1]!)).to.deep.equal([
      'txid',
      'hash',
      'size',
      'vsize',
      'version',
      'locktime',
      'vin',
      'vout',
    ]);
    const coinbase = two.tx[0]!;
    expect(Object.keys(coinbase.vin[0]!)).to.deep.equal(['coinbase', 'sequence']);
    expect(coinbase.vout[0]!.scriptPubKey.type).to.equal('pubkey');
    expect(coinbase.vout[1]).to.deep.include({ value: 0, n: 1 });
    expect(coinbase.vout[1]!.scriptPubKey).to.have.keys('asm', 'hex', 'type');
    expect(coinbase.vout[1]!.scriptPubKey.type).to.equal('nulldata');
    const raw = (await h.post({ id: 1, method: 'getblock', params: [hash, 2] })).text;
    expect(raw).to.contain('"value":0.00000000,"n":1');
    const notFound = await rpcError(h.call('getblock', '0'));
    expect([notFound.code, notFound.message]).to.deep.equal([-5, 'Block not found']);
    const arity = await rpcError(h.call('getblock'));
    expect(arity.code).to.equal(-1);
    expect(arity.message).to.contain('getblock "blockhash" ( verbosity )');
    const typed = await rpcError(h.call('getblock', hash, 'yes'));
    expect([typed.code, typed.message]).to.deep.equal([-1, 'JSON value is not a boolean as expected']);
  });

  it('getrawtransaction for mempool and confirmed transactions, as with -txindex', async () => {
    const coin = await fundedOutput(h, '4', 0);
    const hex: string = await h.call('getrawtransaction', coin.txid);
    expect(Transaction.fromHex(hex).getId()).to.equal(coin.txid);
    const pending = await h.call<TxJson>('getrawtransaction', coin.txid, true);
    expect(Object.keys(pending)).to.deep.equal([
      'hex',
      'txid',
      'hash',
      'size',
      'vsize',
      'version',
      'locktime',
      'vin',
      'vout',
    ]);
    expect(await h.call('getrawtransaction', coin.txid, 1)).to.deep.equal(pending);
    const [block] = await h.call<string[]>('generate', 2);
    const confirmed = await h.call<TxJson>('getrawtransaction', coin.txid, true);
    expect(Object.keys(confirmed).slice(-4)).to.deep.equal([
      'blockhash',
      'confirmations',
      'time',
      'blocktime',
    ]);
    expect([confirmed.blockhash, confirmed.confirmations]).to.deep.equal([block, 2]);
    expect(Object.keys(confirmed.vin[0]!)).to.deep.equal(['txid', 'vout', 'scriptSig', 'sequence']);
    // The faucet spends P2PK coinbases (signature only) and P2PKH change (signature and key).
    expect(confirmed.vin[0]!.scriptSig?.asm).to.match(/^[0-9a-f]+\[ALL\]( [0-9a-f]{66})?$/);
    expect(confirmed.vout[0]!.scriptPubKey).to.deep.equal({
      asm: `OP_DUP OP_HASH160 ${Buffer.from(coin.script.subarray(3, 23)).toString('hex')} OP_EQUALVERIFY OP_CHECKSIG`,
      hex: Buffer.from(coin.script).toString('hex'),
      reqSigs: 1,
      type: 'pubkeyhash',
      addresses: [coin.wallet.address],
    });
    const genesisCoinbase = (await h.call<BlockJson>('getblock', GENESIS_HASH)).tx[0];
    const missing = await rpcError(h.call('getrawtransaction', genesisCoinbase));
    expect([missing.code, missing.message]).to.deep.equal([
      -5,
      'No such mempool or blockchain transaction. Use gettransaction for wallet transactions.',
    ]);
    const badHash = await rpcError(h.call('getrawtransaction', 'xyz'));
    expect([badHash.code, badHash.message]).to.deep.equal([
      -8,
      "parameter 1 must be hexadecimal string (not 'xyz')",
    ]);
    const short = await rpcError(h.call('getrawtransaction', 'abcd'));
    expect(short.message).to.equal('parameter 1 must be of length 64 (not 4)');
    const verbose = await rpcError(h.call('getrawtransaction', coin.txid, 'yes'));
    expect([verbose.code, verbose.message]).to.deep.equal([
      -3,
      'Invalid type provided. Verbose parameter must be a boolean.',
    ]);
  });

  it('getrawmempool, getmempoolentry and getmempoolinfo', async () => {
    const coin = await fundedOutput(h, '5', 0);
    const ids: string[] = await h.call('getrawmempool');
    expect(ids).to.include(coin.txid);
    const verbose = await h.call<Record<string, MempoolEntryJson>>('getrawmempool', true);
    const entry = verbose[coin.txid]!;
    expect(Object.keys(entry)).to.deep.equal([
      'size',
      'fee',
      'modifiedfee',
      'time',
      'height',
      'startingpriority',
      'currentpriority',
      'descendantcount',
      'descendantsize',
      'descendantfees',
      'ancestorcount',
      'ancestorsize',
      'ancestorfees',
      'depends',
    ]);
    expect(await h.call('getmempoolentry', coin.txid)).to.deep.equal(entry);
    // fee in DOGE, descendantfees in koinu: the faucet pays 0.01 DOGE/kB.
    expect(entry.descendantfees).to.equal(Math.round(entry.fee * 1e8));
    expect(entry.fee).to.be.at.least((entry.size * 1000) / 1e8);
    const info = await h.call<MempoolInfoJson>('getmempoolinfo');
    expect(Object.keys(info)).to.deep.equal(['size', 'bytes', 'usage', 'maxmempool', 'mempoolminfee']);
    expect([info.size, info.maxmempool, info.mempoolminfee]).to.deep.equal([ids.length, 300000000, 0]);
    const absent = await rpcError(h.call('getmempoolentry', 'ab'.repeat(32)));
    expect([absent.code, absent.message]).to.deep.equal([-5, 'Transaction not in mempool']);
    await h.call('generate', 1);
  });

  it('getrawmempool (verbose false and true) lists txids by fewest in-mempool ancestors, then highest fee rate, then larger uint256 txid, as CTxMemPool::queryHashes does, not by arrival', async () => {
    // src/txmempool.cpp: queryHashes walks GetSortedDepthAndScore (DepthAndScoreComparator, then
    // CompareTxMemPoolEntryByScore), not arrival order. Core's verbose object walks a salted hash
    // index, whose order no client may rely on; the simulator writes its keys in the list's order.
    const owner = newWallet();
    const funded = await h.controlOk<{ hex: string }>('fund', {
      outputs: Array.from({ length: 5 }, () => ({ address: owner.address, amount: '50' })),
    });
    await h.control('mine', { blocks: 1 });
    const parent = Transaction.fromHex(funded.hex);
    const prevout = (vout: number): Prevout => ({
      txid: parent.getId(),
      vout,
      script: owner.script,
      value: parent.outs[vout]!.value,
    });
    // One in, one out, paying exactly koinuPerByte times its virtual size (signatures vary in
    // length, so re-sign with another locktime until the size the fee assumed is the size signed).
    const spendAtRate = (from: Prevout, key: Wallet['key'], koinuPerByte: bigint): Transaction => {
      let vsize = 192;
      for (let locktime = 0; locktime < 100; locktime++) {
        const tx = signedSpend({
          inputs: [{ prevout: from, key }],
          outputs: [{ script: owner.script, value: from.value - koinuPerByte * BigInt(vsize) }],
          locktime,
        });
        if (tx.virtualSize() === vsize) return tx;
        vsize = tx.virtualSize();
      }
      throw new Error('no signature matched its size');
    };
    const low = spendAtRate(prevout(0), owner.key, 1_100n);
    const child = spendAtRate(
      { txid: low.getId(), vout: 0, script: owner.script, value: low.outs[0]!.value },
      owner.key,
      10_000n,
    );
    const mid = spendAtRate(prevout(1), owner.key, 1_500n);
    const tieA = spendAtRate(prevout(2), owner.key, 2_000n);
    const tieB = spendAtRate(prevout(3), owner.key, 2_000n);
    const high = spendAtRate(prevout(4), owner.key, 3_000n);
    const arrival = [low, child, mid, tieA, tieB, high];
    for (const tx of arrival) await h.call('sendrawtransaction', tx.toHex());
    const ours = new Set(arrival.map((tx) => tx.getId()));
    const listed = (await h.call<string[]>('getrawmempool')).filter((txid) => ours.has(txid));
    // uint256 compares its bytes in memory order, which starts at the last byte pair of the txid as written.
    const internal = (tx: Transaction): Buffer => Buffer.from(tx.getId(), 'hex').reverse();
    const ties = Buffer.compare(internal(tieA), internal(tieB)) > 0 ? [tieA, tieB] : [tieB, tieA];
    // The child pays the best rate but has an in-mempool parent, so it comes after every root.
    expect(listed).to.deep.equal([high, ...ties, mid, low, child].map((tx) => tx.getId()));
    expect(await h.call('getrawmempool', false)).to.deep.equal(await h.call('getrawmempool'));
    const verbose = await h.call<Record<string, MempoolEntryJson>>('getrawmempool', true);
    expect(Object.keys(verbose)).to.deep.equal(await h.call<string[]>('getrawmempool'));
    expect(Object.keys(verbose).filter((txid) => ours.has(txid))).to.deep.equal(listed);
    expect(verbose[child.getId()]).to.deep.include({ ancestorcount: 2, depends: [low.getId()] });
    await h.call('generate', 1);
    expect(await h.call('getrawmempool')).to.deep.equal([]);
  });

  it('gettxout with and without the mempool', async () => {
    const coin = await fundedOutput(h, '6', 1);
    const out = await h.call<GetTxOutJson>('gettxout', coin.txid, 0);
    expect(Object.keys(out)).to.deep.equal([
      'bestblock',
      'confirmations',
      'value',
      'scriptPubKey',
      'version',
      'coinbase',
    ]);
    expect([out.confirmations, out.value, out.version, out.coinbase]).to.deep.equal([1, 6, 1, false]);
    expect(out.bestblock).to.match(HEX64);
    expect(await h.call('gettxout', coin.txid, 7)).to.equal(null);
    const spender = newWallet();
    const spend = signedSpend({
      inputs: [{ prevout: coin, key: coin.wallet.key }],
      outputs: [{ script: spender.script, value: coin.value - 1_000_000n }],
    });
    await h.call('sendrawtransaction', spend.toHex());
    expect(await h.call('gettxout', coin.txid, 0)).to.equal(null);
    expect(await h.call('gettxout', coin.txid, 0, false)).to.deep.equal(out);
    const unconfirmed = await h.call<GetTxOutJson>('gettxout', spend.getId(), 0);
    expect([unconfirmed.confirmations, unconfirmed.value]).to.deep.equal([0, 5.99]);
    expect(await h.call('gettxout', spend.getId(), 0, false)).to.equal(null);
  });

  it("gettxout carries the creating transaction's version, as Core 1.14's CCoins record does, through mempool, block and reorg", async () => {
    // src/rpc/blockchain.cpp gettxout (1.14): bestblock, confirmations, value, scriptPubKey, then
    // coins.nVersion as "version", then coinbase. The version lives in the per-transaction CCoins
    // record (src/coins.h), and CTxInUndo restores it when a disconnected block had pruned the record.
    const coin = await fundedOutput(h, '8', 1);
    const owner = newWallet();
    const v2 = signedSpend({
      inputs: [{ prevout: coin, key: coin.wallet.key }],
      outputs: [{ script: owner.script, value: coin.value - 1_000_000n }],
      version: 2,
    });
    await h.call('sendrawtransaction', v2.toHex());
    const pending = await h.call<GetTxOutJson>('gettxout', v2.getId(), 0);
    expect([pending.confirmations, pending.version, pending.coinbase]).to.deep.equal([0, 2, false]);
    await h.call('generate', 1);
    const mined = await h.call<GetTxOutJson>('gettxout', v2.getId(), 0);
    expect(Object.keys(mined)).to.deep.equal([
      'bestblock',
      'confirmations',
      'value',
      'scriptPubKey',
      'version',
      'coinbase',
    ]);
    expect([mined.confirmations, mined.version]).to.deep.equal([1, 2]);
    // Spend the only output with a version 1 transaction, mine it (the record is pruned), then
    // disconnect that block: the restored record must still say version 2.
    const prevout = { txid: v2.getId(), vout: 0, script: owner.script, value: v2.outs[0]!.value };
    const v1 = signedSpend({
      inputs: [{ prevout, key: owner.key }],
      outputs: [{ script: newWallet().script, value: prevout.value - 1_000_000n }],
    });
    await h.call('sendrawtransaction', v1.toHex());
    const [spendingBlock] = await h.call<string[]>('generate', 1);
    expect(await h.call('gettxout', v2.getId(), 0, false)).to.equal(null);
    await h.call('invalidateblock', spendingBlock);
    const restored = await h.call<GetTxOutJson>('gettxout', v2.getId(), 0, false);
    expect([restored.confirmations, restored.version]).to.deep.equal([1, 2]);
    expect((await h.call<GetTxOutJson>('gettxout', v1.getId(), 0)).version).to.equal(1);
    await h.call('reconsiderblock', spendingBlock);
    // Coinbases are version 1 transactions (CTransaction::CURRENT_VERSION in 1.14).
    const [hash] = await h.call<string[]>('generatetoaddress', 1, owner.address);
    const coinbaseTxid = (await h.call<BlockJson>('getblock', hash)).tx[0]!;
    const coinbase = await h.call<GetTxOutJson>('gettxout', coinbaseTxid, 0);
    expect([coinbase.version, coinbase.coinbase]).to.deep.equal([1, true]);
  });

  it('decoderawtransaction', async () => {
    const coin = await fundedOutput(h, '2', 0);
    const hex: string = await h.call('getrawtransaction', coin.txid);
    const decoded = await h.call('decoderawtransaction', hex);
    const { hex: _hex, ...rest } = await h.call<TxJson>('getrawtransaction', coin.txid, true);
    expect(decoded).to.deep.equal(rest);
    const error = await rpcError(h.call('decoderawtransaction', 'nothex'));
    expect([error.code, error.message]).to.deep.equal([-22, 'TX decode failed']);
  });

  it('estimatefee and estimatesmartfee answer "no data" like a fresh regtest node', async () => {
    expect((await h.post({ id: 1, method: 'estimatefee', params: [6] })).text).to.equal(
      '{"result":-1,"error":null,"id":1}\n',
    );
    expect(await h.call('estimatesmartfee', 6)).to.deep.equal({ feerate: -1, blocks: 25 });
    expect(await h.call('estimatesmartfee', 30)).to.deep.equal({ feerate: -1, blocks: 30 });
    const typed = await rpcError(h.call('estimatesmartfee', '6'));
    expect([typed.code, typed.message]).to.deep.equal([-3, 'Expected type number, got string']);
  });

  it('generate and generatetoaddress: coinbase P2PK to the wallet, P2PKH to an address', async () => {
    const wallet = newWallet();
    const hashes: string[] = await h.call('generatetoaddress', 2, wallet.address);
    expect(hashes).to.have.length(2);
    const block = await h.call<BlockJson<TxJson>>('getblock', hashes[1], 2);
    expect(block.tx[0]!.vout[0]!.scriptPubKey).to.deep.include({
      type: 'pubkeyhash',
      addresses: [wallet.address],
    });
    const invalid = await rpcError(h.call('generatetoaddress', 1, 'DBXu2kgc3xtvCUWFcxFE3r9hEYgmuaaCyD'));
    expect([invalid.code, invalid.message]).to.deep.equal([-5, 'Error: Invalid address']);
    expect(await h.call('generate', 0)).to.deep.equal([]);
  });

  it('validateaddress for regtest addresses, foreign networks and the node wallet key', async () => {
    const wallet = newWallet();
    expect(await h.call('validateaddress', wallet.address)).to.deep.equal({
      isvalid: true,
      address: wallet.address,
      scriptPubKey: Buffer.from(wallet.script).toString('hex'),
      ismine: false,
      iswatchonly: false,
      isscript: false,
    });
    expect(await h.call('validateaddress', 'DBXu2kgc3xtvCUWFcxFE3r9hEYgmuaaCyD')).to.deep.equal({
      isvalid: false,
    });
    const status = await h.controlOk<StatusResult>('status');
    const mine = await h.call<Record<string, unknown>>('validateaddress', status.faucetAddress);
    expect(mine).to.include({ ismine: true, iscompressed: true });
  });

  it('getchaintips and getdifficulty', async () => {
    const tips = await h.call<ChainTipJson[]>('getchaintips');
    expect(tips[0]).to.deep.equal({
      height: await h.call('getblockcount'),
      hash: await h.call('getbestblockhash'),
      branchlen: 0,
      status: 'active',
    });
    expect(await h.call('getdifficulty')).to.equal(4.656542373906925e-10);
  });
});
