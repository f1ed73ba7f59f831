// Proves that the running wallet refuses a withdrawal to any address the platform itself controls, with
// 422 WITHDRAWAL_TO_OWN_ADDRESS, and that the refusal changes nothing (no balance, ledger, withdrawal or
// outbox row): another user's assigned deposit address, the saga's change addresses and a not yet assigned
// receive address (derived from the stack's account xpub, as the saga and the signer derive them), and
// the configured PLATFORM_RESERVED_ADDRESSES (services/wallet/stack.env.sh sets one for the stack), and
// the cold account's receive addresses (from the stack's cold xpub, where the saga sweeps). An address
// outside the platform is still paid as before.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { deriveAddress, encodeAddress, regtest } from '@dbay/dogecoin';
import {
  DOGE,
  SECRETS_DIR,
  api,
  expectReconciled,
  fund,
  moneySnapshot,
  testExecutor,
  userToken,
  type TestExecutor,
} from './support/stack.js';

/** m/44'/3'/0'/0/0 of the BIP39 test mnemonic on regtest: an address outside the platform. */
const OUTSIDE_ADDRESS = 'mnHioPj6vMDGiSUKsXWdX9GEPHoeapF8oi';
/** The reserved address services/wallet/stack.env.sh gives the stack's wallet. */
const RESERVED_ADDRESS = encodeAddress('p2pkh', new Uint8Array(20).fill(0x5a), regtest);
/** 1000 DOGE or more: the stack's saga holds such a withdrawal for review rather than paying it. */
const AMOUNT = '1000';

describe('wallet refuses withdrawals to its own addresses (running service)', function () {
  this.timeout(90_000);
  let funder: TestExecutor;
  const alice = randomUUID();
  const bob = randomUUID();
  let aliceToken: string;
  let bobDepositAddress: string;
  const accountXpub = readFileSync(path.join(SECRETS_DIR, 'account-xpub.txt'), 'utf8').trim();
  const coldXpub = readFileSync(path.join(SECRETS_DIR, 'cold-account-xpub.txt'), 'utf8').trim();

  before(async () => {
    funder = testExecutor({ poolMax: 2 });
    await fund(funder, alice, 5_000n * DOGE);
    aliceToken = await userToken(alice);
    const assigned = await api('POST', '/v1/deposit-address', {
      token: await userToken(bob),
      idempotencyKey: randomUUID(),
    });
    expect(assigned.status, assigned.text).to.be.oneOf([200, 201]);
    bobDepositAddress = (assigned.body as { address: string }).address;
    expect(bobDepositAddress).to.be.a('string');
  });
  after(async () => {
    await expectReconciled(funder.knex, [alice, bob]);
    await funder.close();
  });

  /** Every row a withdrawal request would write for alice: money, ledger, requests and her outbox events. */
  const aliceFootprint = async () => ({
    money: await moneySnapshot(funder.knex, [alice]),
    outbox: (
      await funder.knex.raw<{ rows: { n: string }[] }>(
        `SELECT count(*) AS n FROM outbox WHERE payload::jsonb ->> 'userId' = ?`,
        [alice],
      )
    ).rows[0]!.n,
  });

  const withdrawTo = (destinationAddress: string) =>
    api('POST', '/v1/withdrawals', {
      token: aliceToken,
      idempotencyKey: randomUUID(),
      body: { destinationAddress, amount: AMOUNT },
    });

  const cases: [string, () => string][] = [
    ["another user's assigned deposit address", () => bobDepositAddress],
    [
      'the first change address of the hot wallet',
      () => deriveAddress(accountXpub, 'change', 0, regtest).address,
    ],
    ['a later change address (index 42)', () => deriveAddress(accountXpub, 'change', 42, regtest).address],
    [
      'a receive address not assigned yet (index 900)',
      () => deriveAddress(accountXpub, 'receive', 900, regtest).address,
    ],
    ['a reserved platform address (PLATFORM_RESERVED_ADDRESSES)', () => RESERVED_ADDRESS],
    [
      "the cold account's first receive address (where the saga sweeps)",
      () => deriveAddress(coldXpub, 'receive', 0, regtest).address,
    ],
    [
      'a later cold receive address (index 700)',
      () => deriveAddress(coldXpub, 'receive', 700, regtest).address,
    ],
  ];

  for (const [what, destination] of cases) {
    it(`${what}: 422 WITHDRAWAL_TO_OWN_ADDRESS, and nothing changes`, async () => {
      const before = await aliceFootprint();
      const response = await withdrawTo(destination());
      expect(response.status, response.text).to.equal(422);
      expect(response.body.error?.code).to.equal('WITHDRAWAL_TO_OWN_ADDRESS');
      expect(response.body.error?.message).to.be.a('string').and.not.include(destination());
      expect(await aliceFootprint()).to.deep.equal(before);
    });
  }

  it('an address outside the platform is still accepted', async () => {
    const response = await withdrawTo(OUTSIDE_ADDRESS);
    expect(response.status, response.text).to.equal(201);
  });
});
