// Proves the wire payload of withdrawal.signing-requested is parsed strictly: a well-formed payload
// becomes a request with bigint amounts, and anything else is a SIGNER_MALFORMED_REQUEST refusal.
import { expect } from 'chai';
import { parseSigningRequest } from '../src/domain/signing-request.js';

const wellFormed = {
  requestId: 'batch-1',
  psbtBase64: 'cHNidP8=',
  inputDerivationPaths: ["m/44'/3'/0'/0/0"],
  changeDerivationPath: "m/44'/3'/0'/1/0",
  withdrawals: [
    {
      withdrawalId: 'w-1',
      destinationAddress: 'mo9ncXisMeAoXwqcV5EWuyncbmCcQN4rVs',
      amountKoinu: '300000000',
    },
  ],
  purpose: 'WITHDRAWALS',
  bumpedTxid: null,
  coldAddressIndexes: [],
};

const bump = {
  ...wellFormed,
  inputDerivationPaths: ["m/44'/3'/0'/1/5"],
  changeDerivationPath: "m/44'/3'/0'/1/6",
  withdrawals: [],
  purpose: 'FEE_BUMP',
  bumpedTxid: 'ab'.repeat(32),
};

describe('signer: parseSigningRequest', () => {
  it('parses amounts as bigint koinu', () => {
    const parsed = parseSigningRequest(wellFormed);
    expect(parsed.ok).to.equal(true);
    if (parsed.ok) expect(parsed.request.withdrawals[0]!.amountKoinu).to.equal(300_000_000n);
  });

  it('parses a fee bump: no withdrawals, the bumped txid', () => {
    const parsed = parseSigningRequest(bump);
    expect(parsed.ok).to.equal(true);
    if (parsed.ok) expect(parsed.request).to.include({ purpose: 'FEE_BUMP', bumpedTxid: 'ab'.repeat(32) });
  });

  for (const [description, payload] of [
    ['an unknown purpose', { ...wellFormed, purpose: 'SWEEP' }],
    ['a withdrawals request naming a bumped transaction', { ...wellFormed, bumpedTxid: 'ab'.repeat(32) }],
    ['a bump paying a withdrawal', { ...bump, withdrawals: wellFormed.withdrawals }],
    ['a bump without the bumped txid', { ...bump, bumpedTxid: null }],
    ['a bump whose bumped txid is not a txid', { ...bump, bumpedTxid: 'AB'.repeat(32) }],
    ['a bump without a change path', { ...bump, changeDerivationPath: null }],
    [
      'a sweep naming no cold address',
      { ...bump, purpose: 'SWEEP', bumpedTxid: null, coldAddressIndexes: [] },
    ],
    [
      'a sweep naming a cold address twice',
      { ...bump, purpose: 'SWEEP', bumpedTxid: null, coldAddressIndexes: [3, 3] },
    ],
    ['a sweep paying a withdrawal', { ...wellFormed, purpose: 'SWEEP', coldAddressIndexes: [3] }],
    ['a withdrawals request paying the cold account', { ...wellFormed, coldAddressIndexes: [3] }],
    ['a negative cold index', { ...bump, purpose: 'SWEEP', bumpedTxid: null, coldAddressIndexes: [-1] }],
    [
      'a decimal amount',
      { ...wellFormed, withdrawals: [{ ...wellFormed.withdrawals[0]!, amountKoinu: '3.5' }] },
    ],
    ['a zero amount', { ...wellFormed, withdrawals: [{ ...wellFormed.withdrawals[0]!, amountKoinu: '0' }] }],
    [
      'a numeric amount',
      { ...wellFormed, withdrawals: [{ ...wellFormed.withdrawals[0]!, amountKoinu: 300000000 }] },
    ],
    ['no withdrawals', { ...wellFormed, withdrawals: [] }],
    [
      'a withdrawal listed twice',
      { ...wellFormed, withdrawals: [wellFormed.withdrawals[0]!, wellFormed.withdrawals[0]!] },
    ],
    ['no inputs', { ...wellFormed, inputDerivationPaths: [] }],
    ['a missing field', { ...wellFormed, changeDerivationPath: undefined }],
    ['not an object', 'hello'],
  ] as const) {
    it(`refuses ${description}`, () => {
      const parsed = parseSigningRequest(payload);
      expect(parsed.ok).to.equal(false);
      if (!parsed.ok) expect(parsed.refusal.code).to.equal('SIGNER_MALFORMED_REQUEST');
    });
  }
});
