// Proves what a payment to the hot wallet's refill address publishes: its confirmation becomes one
// hot-wallet.refill-received with the payment's facts (and none of a user's), every other step of its
// lifecycle publishes nothing; and only the platform's owner marks a deposit as a refill.
import { expect } from 'chai';
import { TOPICS } from '@dbay/contracts';
import type { DepositEvent } from '../../src/domain/events.js';
import { HOT_WALLET_OWNER, isRefill, refillEventOf } from '../../src/domain/refills.js';

const TXID = 'ab'.repeat(32);
const confirmed: DepositEvent = {
  topic: TOPICS.depositConfirmed,
  payload: {
    userId: HOT_WALLET_OWNER,
    address: 'mrefill',
    derivationPath: "m/44'/3'/0'/1/7",
    txid: TXID,
    vout: 1,
    amountKoinu: '6000000000',
    blockHash: 'cd'.repeat(32),
    blockHeight: 120,
    confirmations: 6,
    rawTransactionHex: '0100',
  },
};

describe('refill payments (domain)', () => {
  it('turns the confirmation into hot-wallet.refill-received without a user or the raw transaction', () => {
    expect(refillEventOf(confirmed)).to.deep.equal({
      topic: TOPICS.hotWalletRefillReceived,
      payload: {
        txid: TXID,
        vout: 1,
        address: 'mrefill',
        derivationPath: "m/44'/3'/0'/1/7",
        amountKoinu: '6000000000',
        blockHash: 'cd'.repeat(32),
        blockHeight: 120,
        confirmations: 6,
      },
    });
  });

  it('publishes nothing for the other steps of its life', () => {
    const others: DepositEvent[] = [
      {
        topic: TOPICS.depositDetected,
        payload: {
          userId: HOT_WALLET_OWNER,
          address: 'mrefill',
          txid: TXID,
          vout: 1,
          amountKoinu: '1',
          confirmations: 0,
          blockHash: null,
          blockHeight: null,
        },
      },
      {
        topic: TOPICS.depositConfirmationsChanged,
        payload: {
          userId: HOT_WALLET_OWNER,
          txid: TXID,
          vout: 1,
          confirmations: 2,
          blockHash: null,
          blockHeight: null,
        },
      },
      {
        topic: TOPICS.depositReversed,
        payload: {
          userId: HOT_WALLET_OWNER,
          address: 'mrefill',
          txid: TXID,
          vout: 1,
          amountKoinu: '1',
          wasConfirmed: true,
          reason: 'DEPOSIT_LEFT_CHAIN',
        },
      },
    ];
    for (const event of others) expect(refillEventOf(event), event.topic).to.equal(null);
  });

  it("knows a refill by the platform's owner only", () => {
    expect(isRefill({ userId: HOT_WALLET_OWNER })).to.equal(true);
    expect(isRefill({ userId: '10000000-0000-4000-8000-000000000001' })).to.equal(false);
  });
});
