// Proves that only positive P2PKH outputs to watched addresses become deposits, and that every other
// output (coinbase P2PK, OP_RETURN, P2SH, multisig, nonstandard, zero value, unknown address) is
// skipped without failing.
import { expect } from 'chai';
import type { ChainTransaction } from '../../src/domain/chain.js';
import {
  distinctPubkeyHashes,
  matchPayments,
  p2pkhHashOfScriptHex,
  p2pkhPayments,
  type WatchedAddress,
} from '../../src/domain/matching.js';

const HASH_A = '11'.repeat(20);
const HASH_B = '22'.repeat(20);
const HASH_UNKNOWN = '33'.repeat(20);
const p2pkh = (hash: string): string => `76a914${hash}88ac`;
const P2PK = `21${'02'.repeat(33)}ac`;
const OP_RETURN = '6a24aa21a9ed' + '00'.repeat(32);
const P2SH = `a914${HASH_A}87`;
const MULTISIG = `5121${'03'.repeat(33)}51ae`;
const NONSTANDARD = '51';

const watchedA: WatchedAddress = {
  address: 'mA',
  pubkeyHash: HASH_A,
  userId: 'user-a',
  derivationPath: "m/44'/3'/0'/0/1",
};
const watchedB: WatchedAddress = {
  address: 'mB',
  pubkeyHash: HASH_B,
  userId: 'user-b',
  derivationPath: "m/44'/3'/0'/0/2",
};
const watched = new Map([
  [HASH_A, watchedA],
  [HASH_B, watchedB],
]);

describe('matching outputs to watched addresses', () => {
  it('reads the hash of a P2PKH script and nothing else', () => {
    expect(p2pkhHashOfScriptHex(p2pkh(HASH_A))).to.equal(HASH_A);
    for (const script of [
      P2PK,
      OP_RETURN,
      P2SH,
      MULTISIG,
      NONSTANDARD,
      '',
      `76a914${HASH_A}88`,
      `76a914${HASH_A}88acac`,
      `76a914${'AB'.repeat(20)}88ac`,
      `76a914${'g'.repeat(40)}88ac`,
      `76a915${HASH_A}88ac`,
      `76a914${HASH_A}88ad`,
    ]) {
      expect(p2pkhHashOfScriptHex(script), script).to.equal(undefined);
    }
  });

  it('matches a coinbase-like block without failing on what it does not understand', () => {
    const transactions: ChainTransaction[] = [
      {
        txid: 'c'.repeat(64),
        outputs: [
          { vout: 0, valueKoinu: 50_000_000_000_000n, scriptPubKeyHex: P2PK },
          { vout: 1, valueKoinu: 0n, scriptPubKeyHex: OP_RETURN },
        ],
      },
      {
        txid: 'd'.repeat(64),
        outputs: [
          { vout: 0, valueKoinu: 100n, scriptPubKeyHex: p2pkh(HASH_A) },
          { vout: 1, valueKoinu: 200n, scriptPubKeyHex: p2pkh(HASH_B) },
          { vout: 2, valueKoinu: 300n, scriptPubKeyHex: p2pkh(HASH_A) },
          { vout: 3, valueKoinu: 400n, scriptPubKeyHex: p2pkh(HASH_UNKNOWN) },
          { vout: 4, valueKoinu: 500n, scriptPubKeyHex: P2SH },
          { vout: 5, valueKoinu: 0n, scriptPubKeyHex: p2pkh(HASH_A) },
          { vout: 6, valueKoinu: 600n, scriptPubKeyHex: MULTISIG },
          { vout: 7, valueKoinu: 700n, scriptPubKeyHex: NONSTANDARD },
        ],
      },
    ];
    const payments = p2pkhPayments(transactions);
    expect(payments.map((payment) => payment.vout)).to.deep.equal([0, 1, 2, 3]);
    expect(distinctPubkeyHashes(payments)).to.have.members([HASH_A, HASH_B, HASH_UNKNOWN]);
    const matched = matchPayments(payments, watched);
    expect(matched.map((m) => [m.vout, m.watched.userId, m.amountKoinu])).to.deep.equal([
      [0, 'user-a', 100n],
      [1, 'user-b', 200n],
      [2, 'user-a', 300n],
    ]);
  });

  it('builds payments only for the hashes a filter keeps, in block order', () => {
    const outputs = [HASH_UNKNOWN, HASH_A, HASH_UNKNOWN, HASH_A].map((hash, vout) => ({
      vout,
      valueKoinu: BigInt(vout + 1),
      scriptPubKeyHex: p2pkh(hash),
    }));
    const payments = p2pkhPayments([{ txid: 'e'.repeat(64), outputs }], (hash) => hash === HASH_A);
    expect(payments.map((payment) => [payment.vout, payment.amountKoinu])).to.deep.equal([
      [1, 2n],
      [3, 4n],
    ]);
    expect(p2pkhPayments([{ txid: 'e'.repeat(64), outputs }])).to.have.length(4);
  });

  it('ignores payments to unknown addresses entirely', () => {
    const payments = p2pkhPayments([
      { txid: 'e'.repeat(64), outputs: [{ vout: 0, valueKoinu: 1n, scriptPubKeyHex: p2pkh(HASH_UNKNOWN) }] },
    ]);
    expect(matchPayments(payments, watched)).to.deep.equal([]);
  });
});
