// Proves the whole buy-it-now story a marketplace user lives, across every service on the regtest chain:
// a buyer deposits DOGE on chain, a seller lists an item, the buyer buys it, the seller ships, the buyer
// confirms receipt, the seller's available balance is the price minus the fee, and the seller withdraws
// it to their own address, which receives exactly that amount on chain.
import { expect } from 'chai';
import { ECPair, outputScriptForAddress, p2pkhAddress, regtest } from '@dbay/dogecoin';
import { formatDoge } from '@dbay/money';
import { waitFor } from '@dbay/testing';
import {
  DOGE,
  balanceOf,
  fundedUsers,
  newListing,
  waitForOrderStatus,
  type OrderView,
} from '../services/order/test/support/marketplace.js';
import { Chain } from './withdrawal-support.js';

const NETWORK_FEE = DOGE;

describe('the marketplace story (deposit, list, buy, ship, confirm, withdraw)', function () {
  this.timeout(300_000);

  it('takes a buyer’s deposit to the seller’s own address, minus the fee, once', async () => {
    const chain = Chain.fromStack();
    const [seller, buyer] = await fundedUsers(['0', '120']);
    const listingId = await newListing(seller!, '100', { title: 'a vintage Shiba Inu poster' });

    const bought = await buyer!.orders('POST', '/orders', { body: { listingId } });
    expect(bought.status, JSON.stringify(bought.body)).to.equal(201);
    const orderId = (bought.body as unknown as OrderView).id;
    expect(await balanceOf(buyer!)).to.deep.equal({
      available: 20n * DOGE,
      locked: 100n * DOGE,
      pending: 0n,
    });

    expect(
      (await seller!.orders('POST', `/orders/${orderId}/ship`, { body: { trackingNote: 'parcel 42' } }))
        .status,
    ).to.equal(200);
    expect((await buyer!.orders('POST', `/orders/${orderId}/confirm-receipt`, { body: {} })).status).to.equal(
      200,
    );
    const completed = await waitForOrderStatus(seller!, orderId, 'COMPLETED');
    const earned = 100n * DOGE - (100n * DOGE * 250n) / 10_000n;
    expect(completed.sellerReceives).to.equal(formatDoge(earned));
    await waitFor(async () => (await balanceOf(seller!)).available === earned, {
      description: 'the seller paid',
    });
    expect(await balanceOf(buyer!)).to.deep.equal({ available: 20n * DOGE, locked: 0n, pending: 0n });

    const destination = p2pkhAddress(ECPair.makeRandom({ network: regtest }).publicKey, regtest);
    const heightBefore = await chain.height();
    const withdrawal = await seller!.wallet('POST', '/withdrawals', {
      body: { destinationAddress: destination, amount: formatDoge(earned - NETWORK_FEE) },
    });
    expect(withdrawal.status, JSON.stringify(withdrawal.body)).to.equal(201);
    const { withdrawalId } = withdrawal.body as unknown as { withdrawalId: string };
    const scriptHex = Buffer.from(outputScriptForAddress(destination, regtest)).toString('hex');
    const payments = await waitFor(
      async () => {
        const paid = await chain.paymentsTo(scriptHex, heightBefore);
        return paid.length > 0 ? paid : undefined;
      },
      { timeoutMs: 90_000, description: 'the withdrawal to be broadcast' },
    );
    expect(payments.map((payment) => payment.valueKoinu)).to.deep.equal([earned - NETWORK_FEE]);
    await chain.mine(6);
    await waitFor(
      async () =>
        ((await seller!.wallet('GET', `/withdrawals/${withdrawalId}`)).body as { status?: string }).status ===
        'FINALIZED',
      { timeoutMs: 90_000, description: 'the withdrawal to be finalized' },
    );
    expect(await balanceOf(seller!)).to.deep.equal({ available: 0n, locked: 0n, pending: 0n });
  });
});
