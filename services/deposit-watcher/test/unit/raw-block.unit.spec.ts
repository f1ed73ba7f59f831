// Proves the raw block reader: a real merge-mined Dogecoin mainnet block has its AuxPoW skipped to the
// exact byte where its transactions start, and those decode with the txids and exact koinu values the
// chain shows; a real Dogecoin Core 1.14 regtest block read raw gives exactly what its getblock
// verbosity-2 JSON gives, down to the deposits matched; and bytes that are not exactly the block asked
// for (another block, trailing or missing bytes, a transaction changed under the header) are refused.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { BufferReader } from 'bitcoinjs-lib/src/bufferutils';
import { parseRpcJson } from '@dbay/chain-rpc';
import { decodeBlock } from '../../src/adapters/rpc/decode.js';
import { decodeRawBlock, hasAuxPow, RawBlockError, skipAuxPow } from '../../src/adapters/rpc/raw-block.js';
import type { ChainBlock } from '../../src/domain/chain.js';
import { matchPayments, p2pkhPayments, type WatchedAddress } from '../../src/domain/matching.js';

interface BlockFixture {
  source: string;
  hash: string;
  hex: string;
  height?: number;
  verbosity2?: string;
}

const fixture = (name: string): BlockFixture =>
  JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as BlockFixture;

/** The chain's view without the per-transaction hex, which Core 1.14's verbosity 2 does not give. */
const withoutHex = (block: ChainBlock): ChainBlock => ({
  ...block,
  transactions: block.transactions.map(({ txid, outputs }) => ({ txid, outputs })),
});

const refusal = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('raw blocks (getblock <hash> 0)', () => {
  describe('a merge-mined mainnet block (dogechain.info, block fb5f5b5b...)', () => {
    const mainnet = fixture('mainnet-merge-mined-block.json');
    const bytes = Buffer.from(mainnet.hex, 'hex');
    const expected = { hash: mainnet.hash, height: 4_845_051 };

    it('has the AuxPoW flag, and the AuxPoW ends where the transaction count (10) starts', () => {
      expect(bytes.readInt32LE(0).toString(16)).to.equal('620104');
      expect(hasAuxPow(bytes.readInt32LE(0))).to.equal(true);
      const reader = new BufferReader(bytes, 80);
      skipAuxPow(reader);
      // 80 header + 211 parent coinbase + 32 parent hash + (1 + 7*32 + 4) + (1 + 4*32 + 4) + 80 parent header
      expect(reader.offset).to.equal(765);
      expect(reader.readVarInt()).to.equal(10n);
    });

    it('decodes its transactions with their txids and exact koinu values', () => {
      const block = decodeRawBlock(mainnet.hex, expected);
      expect(block.hash).to.equal(mainnet.hash);
      expect(block.previousHash).to.equal('bc896aaf584ecbb178281ee2fd2b09fed410cdb9d8bf50853c132ca69f80a10d');
      expect(block.transactions.map((tx) => tx.txid)).to.deep.equal([
        '8fa6d8a92b485c8f3c6e54265fb4954530c1c44bb3db0491ab496f3485bd0347',
        '3f8e64a8453377def77868188811c2c7ed25fb31a16957e0001e28774d6d0208',
        '660eb2a0c15e88db928d31b1af4a4cff228c785c2d9b2e12febe00eeaa83c569',
        'b12abb3cb8d54257a8f90e3ad8cfdc640fa589813de274f0905b944e71bb61f2',
        'f875c9959d2013caedf7b3acce278d1bed7be0e7d45aa266db1c262e6743cb99',
        '4a61ada2caa35096ddc4b7a23388eb789171fbbee54b8bb0e977717290ab96c8',
        '8d362342e55c312282160d666f351d8188f428e803a46b0b7dc61ce629d14cbe',
        '36f2edb295aa57f25574231c61809f327f7402bd2e0e65fc6bcc6c4a530f457a',
        'e103a519a1c8605211fac6236970a9143d535603f0fc6f57c7941d7a2e30d5f9',
        'e41ac6f1845da7772f17dbe52f2a5b25e2f39c69be4043cbc2f57f455905bc1f',
      ]);
      // The same values gigawallet's test expects for this block, as bigint koinu.
      expect(block.transactions.flatMap((tx) => tx.outputs.map((output) => output.valueKoinu))).to.deep.equal(
        [
          1001062713226n,
          9999907990000n,
          27488096948744n,
          9999991000000n,
          206330249879929n,
          31070000000n,
          4818071366605n,
          100757668n,
          235200003058n,
          2037075800n,
          18461069000n,
          22300000000n,
          174339870968n,
          89798911754n,
          8107180185n,
          114852164857n,
          1000000000n,
          1045842885n,
        ],
      );
      const last = block.transactions.at(-1)!;
      expect(last.outputs.map((output) => output.scriptPubKeyHex)).to.deep.equal([
        '76a914c7935d8f471d3472d31b6c5682f4bc2aaf2b806488ac',
        'a914f033fcfbdeafc8d9547c9015e021375694c3160087',
      ]);
      expect(mainnet.hex.endsWith(last.hex!)).to.equal(true);
    });

    it('refuses bytes that are not exactly this block', () => {
      const cases: Array<[string, string, { hash: string; height: number }]> = [
        ['another block asked for', mainnet.hex, { ...expected, hash: 'ab'.repeat(32) }],
        ['a byte after the last transaction', `${mainnet.hex}00`, expected],
        ['the last byte missing', mainnet.hex.slice(0, -2), expected],
        // The last output's value, changed by one koinu: the merkle root no longer matches.
        ['a transaction changed under the header', tamperLastOutputValue(mainnet.hex), expected],
        ['only a header', mainnet.hex.slice(0, 160), expected],
      ];
      for (const [label, hex, asked] of cases) {
        expect(
          refusal(() => decodeRawBlock(hex, asked)),
          label,
        ).to.be.instanceOf(RawBlockError);
      }
    });
  });

  describe('a Dogecoin Core 1.14 regtest block (qa/rpc-tests/data/getblock.json, block 242)', () => {
    const core = fixture('core-1.14-regtest-block-242.json');
    const expected = { hash: core.hash, height: core.height! };

    it('reads the same block raw as from its verbosity-2 JSON, and matches the same deposits', () => {
      const raw = decodeRawBlock(core.hex, expected);
      const json = decodeBlock(parseRpcJson(core.verbosity2!), expected);
      expect(withoutHex(raw)).to.deep.equal(json);
      expect(raw.transactions.map((tx) => tx.hex)).to.have.length(2);
      const watched = new Map<string, WatchedAddress>(
        ['b034ba5c40ddcc61c67a3d20d31b59d12afd294a', 'f641c0fa7fcb02900d56b8574a5f840e90cbb5fe'].map(
          (pubkeyHash, index) => [
            pubkeyHash,
            {
              address: `a${index}`,
              pubkeyHash,
              userId: `u${index}`,
              derivationPath: `m/44'/3'/0'/0/${index}`,
            },
          ],
        ),
      );
      const rawMatches = matchPayments(p2pkhPayments(raw.transactions), watched);
      expect(rawMatches).to.deep.equal(matchPayments(p2pkhPayments(json.transactions), watched));
      expect(rawMatches.map((match) => [match.vout, match.amountKoinu])).to.deep.equal([
        [0, 9_999_999_808_000n],
        [1, 15_000_000_000_000n],
      ]);
    });
  });
});

/** The block's last output value (8 bytes before its 23-byte P2SH script and the 4-byte locktime), plus one. */
function tamperLastOutputValue(hex: string): string {
  const bytes = Buffer.from(hex, 'hex');
  const at = bytes.length - 4 - 23 - 1 - 8;
  bytes.writeBigUInt64LE(bytes.readBigUInt64LE(at) + 1n, at);
  return bytes.toString('hex');
}
