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
};

describe('signer: parseSigningRequest', () => {
  it('parses amounts as bigint koinu', () => {
    const parsed = parseSigningRequest(wellFormed);
    expect(parsed.ok).to.equal(true);
    if (parsed.ok) expect(parsed.request.withdrawals[0]!.amountKoinu).to.equal(300_000_000n);
  });

  for (const [description, payload] of [
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
