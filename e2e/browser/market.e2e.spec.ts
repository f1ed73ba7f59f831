// Proves the marketplace pages in a real browser (chromium) on the running stack, with three people in
// their own browser contexts and money deposited on the regtest chain: a seller lists an item and opens
// an auction on the Sell page; a buyer finds the item on the market and buys it now; the seller marks it
// shipped, the buyer confirms receipt and the sale completes on both sides. On the auction the buyer
// bids, a second buyer outbids them (the first buyer's page shows it without a reload), the first raises
// and, once the order service's clock passes the end, wins; the seller ships, the winner confirms, and
// the seller's Sold list shows the sale. Every page is checked with axe-core and photographed.
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { parseDoge } from '@dbay/money';
import { waitFor } from '@dbay/testing';
import {
  WEB_URL,
  advanceOrderClock,
  api,
  attributesOf,
  devLogin,
  expectAccessible,
  fundUsers,
  inPage,
  launchBrowser,
  open,
  screenshots,
  signedInContext,
  uniqueName,
  type Session,
} from './support.js';

const MINUTE_MS = 60_000;

interface Person {
  session: Session;
  context: BrowserContext;
  page: Page;
}

/** The order row of `orderId` on the My orders page. */
const orderRow = (page: Page, orderId: string) =>
  page.locator(`[data-testid="order-row"][data-order-id="${orderId}"]`);

async function waitForOrderStatus(page: Page, orderId: string, status: string): Promise<void> {
  await page
    .locator(`[data-testid="order-row"][data-order-id="${orderId}"][data-status="${status}"]`)
    .waitFor();
}

/** The seller ships from My orders → Sold; the buyer, whose page is open on My orders, confirms receipt. */
async function shipAndConfirm(
  seller: Person,
  buyer: Person,
  orderId: string,
  tracking: string,
): Promise<void> {
  await open(seller.page, '/orders');
  await seller.page.getByRole('button', { name: 'Sold' }).click();
  await waitForOrderStatus(seller.page, orderId, 'PAID');
  const row = orderRow(seller.page, orderId);
  await row.getByLabel('Tracking note (optional)').fill(tracking);
  await row.getByRole('button', { name: 'Mark as shipped' }).click();
  await waitForOrderStatus(seller.page, orderId, 'SHIPPED');

  // The buyer's page learns of the shipment from its nudge: no reload.
  await waitForOrderStatus(buyer.page, orderId, 'SHIPPED');
  expect(await orderRow(buyer.page, orderId).textContent()).to.contain(`Tracking: ${tracking}`);
  await orderRow(buyer.page, orderId).getByRole('button', { name: 'Confirm receipt' }).click();
  await waitForOrderStatus(buyer.page, orderId, 'COMPLETED');
  await waitForOrderStatus(seller.page, orderId, 'COMPLETED');
}

describe('the marketplace pages in a browser (e2e)', function () {
  this.timeout(240_000);
  let browser: Browser;
  let seller: Person;
  let buyer: Person;
  let rival: Person;
  const title = `b-item ${Math.random().toString(36).slice(2, 8)}`;
  let auctionId: string;

  async function person(role: string): Promise<Person> {
    const session = await devLogin(uniqueName(role));
    const context = await signedInContext(browser, session);
    const page = await context.newPage();
    return { session, context, page };
  }

  before(async () => {
    await waitFor(async () => (await fetch(`${WEB_URL}/readyz`)).ok, {
      timeoutMs: 60_000,
      description: `${WEB_URL}/readyz`,
    });
    browser = await launchBrowser();
    seller = await person('s');
    buyer = await person('b');
    rival = await person('r');
    await fundUsers([
      { session: buyer.session, amount: '200' },
      { session: rival.session, amount: '200' },
    ]);
  });

  after(async () => {
    await browser?.close();
  });

  it('lists an item on the Sell page; another user buys it now from the item page, the seller ships, the buyer confirms', async () => {
    await open(seller.page, '/sell');
    const fixed = seller.page.getByRole('form', { name: 'Sell at a fixed price' });
    await fixed.getByLabel('Title').fill(title);
    await fixed.getByLabel('Description (optional)').fill('A browser-tested item, in good condition.');
    await fixed.getByLabel('Price (DOGE)').fill('25,5');
    await fixed.getByRole('button', { name: 'List the item' }).click();
    // The form refuses what the API would refuse, in words, and sends nothing.
    await fixed.locator('#listing-price-problem[role="alert"]').waitFor();
    await fixed.getByLabel('Price (DOGE)').fill('25.5');
    await expectAccessible(seller.page, 'sell');
    await screenshots(seller.page, 'sell');
    await fixed.getByRole('button', { name: 'List the item' }).click();
    await seller.page.waitForURL(/#\/listings\/[0-9a-f-]{36}$/);
    const listingId = seller.page.url().split('/').at(-1)!;
    await seller.page.getByText('This is your item.').waitFor();

    await open(buyer.page, '/market');
    await buyer.page.getByTestId('listing-row').first().waitFor();
    await expectAccessible(buyer.page, 'market');
    await buyer.page.getByRole('link', { name: title }).click();
    await buyer.page.waitForURL(new RegExp(`#/listings/${listingId}$`));
    expect(await buyer.page.getByTestId('listing-price').getAttribute('data-doge')).to.equal('25.50000000');
    await expectAccessible(buyer.page, 'item');
    await screenshots(buyer.page, 'item');
    await buyer.page.getByRole('button', { name: 'Buy Now' }).click();
    await buyer.page.waitForURL(/#\/orders#[0-9a-f-]{36}$/);
    const orderId = buyer.page.url().split('#').at(-1)!;
    await waitForOrderStatus(buyer.page, orderId, 'PAID');
    const balance = await api(buyer.session, 'GET', '/v1/balance');
    expect(balance.body).to.include({ available: '174.50000000', locked: '25.50000000' });

    await shipAndConfirm(seller, buyer, orderId, 'parcel B-1');
    await expectAccessible(buyer.page, 'my orders');
  });

  it('opens an auction on the Sell page; a bidder is outbid by another, raises, wins when the clock passes the end, and receives it', async () => {
    await open(seller.page, '/sell');
    const auctionForm = seller.page.getByRole('form', { name: 'Open an auction' });
    await auctionForm.getByLabel('Title').fill(`${title} auction`);
    await auctionForm.getByLabel('Starting price (DOGE)').fill('10');
    await auctionForm.getByLabel('Duration (minutes)').fill('2');
    await auctionForm.getByRole('button', { name: 'Open the auction' }).click();
    await seller.page.waitForURL(/#\/auctions\/[0-9a-f-]{36}$/);
    auctionId = seller.page.url().split('/').at(-1)!;
    await seller.page.getByText('This is your auction.').waitFor();

    await open(buyer.page, `/auctions/${auctionId}`);
    await buyer.page.getByLabel('Your maximum bid (DOGE)').fill('20');
    await buyer.page.getByRole('button', { name: 'Place bid' }).click();
    await buyer.page.locator('[data-testid="bid-answer"][data-answer="leading"]').waitFor();
    expect(await buyer.page.getByTestId('auction-leader').textContent()).to.match(/^You/);
    await inPage(buyer.page, 'window.sameAuctionPage = true');

    await open(rival.page, `/auctions/${auctionId}`);
    await rival.page.getByLabel('Your maximum bid (DOGE)').fill('30');
    await rival.page.getByRole('button', { name: 'Place bid' }).click();
    await rival.page.locator('[data-testid="bid-answer"][data-answer="leading"]').waitFor();

    // The first bidder's page shows they were outbid, without a reload.
    await waitFor(
      async () => !(await buyer.page.getByTestId('auction-leader').textContent())!.startsWith('You'),
      {
        timeoutMs: 30_000,
        description: "the outbid bidder's page to show the new leader",
      },
    );
    expect(await inPage(buyer.page, "'sameAuctionPage' in window")).to.equal(true);
    const priceAfterRival = await buyer.page.getByTestId('auction-price').getAttribute('data-doge');
    expect(parseDoge(priceAfterRival) > parseDoge('20'), `price ${priceAfterRival}`).to.equal(true);

    await buyer.page.getByLabel('Your maximum bid (DOGE)').fill('50');
    await buyer.page.getByRole('button', { name: 'Place bid' }).click();
    await buyer.page.locator('[data-testid="bid-answer"][data-answer="leading"]').waitFor();
    await expectAccessible(buyer.page, 'auction');
    await screenshots(buyer.page, 'auction');

    await open(buyer.page, '/bids');
    await buyer.page.getByTestId('bid-row').first().waitFor();
    const outcomes = await attributesOf(buyer.page, '[data-testid="bid-row"]', 'data-outcome');
    expect(outcomes).to.include('LEADING');
    expect(outcomes.some((outcome) => outcome === 'OUTBID' || outcome === 'SUPERSEDED')).to.equal(true);

    // Past the end (a bid this late moved it by the soft close): the order service closes the auction.
    await open(buyer.page, `/auctions/${auctionId}`);
    await advanceOrderClock(5 * MINUTE_MS);
    await buyer.page
      .locator('[data-testid="auction-ending"][data-outcome="SOLD"]')
      .waitFor({ timeout: 60_000 });
    expect(await buyer.page.getByTestId('auction-ending').textContent()).to.contain('Sold to you');
    await buyer.page.getByRole('link', { name: 'See the order' }).click();
    await buyer.page.waitForURL(/#\/orders#[0-9a-f-]{36}$/);
    const orderId = buyer.page.url().split('#').at(-1)!;
    await waitForOrderStatus(buyer.page, orderId, 'PAID');

    await open(rival.page, '/bids');
    await rival.page.locator('[data-testid="bid-row"][data-outcome="LOST"]').waitFor();
    await open(buyer.page, '/bids');
    await buyer.page.locator('[data-testid="bid-row"][data-outcome="WON"]').waitFor();
    await expectAccessible(buyer.page, 'my bids');
    await screenshots(buyer.page, 'my-bids');

    await open(buyer.page, '/orders');
    await shipAndConfirm(seller, buyer, orderId, 'parcel B-2');
    // The seller's Sold list shows both sales, completed.
    const sold = await attributesOf(seller.page, '[data-testid="order-row"]', 'data-status');
    expect(sold).to.deep.equal(['COMPLETED', 'COMPLETED']);
    await expectAccessible(seller.page, 'my orders (sold)');
    await screenshots(seller.page, 'my-orders');
  });

  it('shows the market with the open auctions and items', async () => {
    // Its own open auction: the ones earlier tests left open may have ended on the shared test clock.
    const opened = await api(seller.session, 'POST', '/v1/auctions', {
      title: `${title} on show`,
      startPrice: '3',
      durationMinutes: 60,
    });
    expect(opened.status, JSON.stringify(opened.body)).to.equal(201);
    await open(rival.page, '/market');
    await rival.page.getByTestId('listing-row').first().waitFor();
    await rival.page.getByTestId('auction-row').first().waitFor();
    await screenshots(rival.page, 'market');
  });
});
