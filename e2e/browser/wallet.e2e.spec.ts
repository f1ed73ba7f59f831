// Proves the wallet page in a real browser (chromium) on the running stack and the regtest chain: a user
// signs in on the login page; a payment to their deposit address shows as incoming at 0-1
// confirmations, counts up as blocks are mined and becomes available balance at 6, all without a
// reload; the withdraw form refuses a bad address or amount as the API does, shows the API's reason
// when the wallet refuses, and a confirmed withdrawal reaches the chain with its txid on the timeline;
// the CSV export of a range is exactly the ledger API's entries for it; at 375 px the wallet page does
// not scroll sideways and its main actions are reachable. Every page is checked with axe-core and
// photographed for docs/web.md.
import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import Papa from 'papaparse';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ECPair, mainnet, p2pkhAddress, regtest } from '@dbay/dogecoin';
import { formatDoge, parseDoge } from '@dbay/money';
import { waitFor } from '@dbay/testing';
import { chainControl } from '../deposit-support.js';
import {
  DESKTOP,
  MOBILE,
  UI_TIMEOUT_MS,
  WEB_URL,
  api,
  expectAccessible,
  attributesOf,
  documentWidth,
  inPage,
  launchBrowser,
  open,
  screenshots,
  signedInContext,
  uniqueName,
  type Session,
} from './support.js';

const DEPOSIT = '500';
const WITHDRAWAL = '100';
const CONFIRMATIONS_REQUIRED = 6;

/** The ledger API's entries created in [from, to), oldest first, read page by page as any client would. */
async function ledgerEntriesBetween(session: Session, from: Date, to: Date) {
  const entries: Record<string, string | null>[] = [];
  let before: string | null = null;
  for (;;) {
    const answer = await api(
      session,
      'GET',
      `/v1/ledger?limit=100${before === null ? '' : `&before=${encodeURIComponent(before)}`}`,
    );
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    const page = answer.body as unknown as {
      entries: Record<string, string | null>[];
      nextCursor: string | null;
    };
    entries.push(...page.entries);
    if (page.nextCursor === null) break;
    before = page.nextCursor;
  }
  return entries
    .filter((entry) => {
      const at = Date.parse(entry.createdAt!);
      return at >= from.getTime() && at < to.getTime();
    })
    .reverse();
}

describe('the wallet page in a browser (e2e)', function () {
  this.timeout(240_000);
  const control = chainControl();
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let session: Session;
  let networkFee: bigint;
  let ownAddress: string;

  before(async () => {
    await waitFor(async () => (await fetch(`${WEB_URL}/readyz`)).ok, {
      timeoutMs: 60_000,
      description: `${WEB_URL}/readyz`,
    });
    browser = await launchBrowser();
  });

  after(async () => {
    await context?.close();
    await browser?.close();
  });

  it('signs in on the login page; a deposit is incoming at 0-1 confirmations, counts up per block and is available at 6, without a reload', async () => {
    context = await browser.newContext({ viewport: DESKTOP, acceptDownloads: true, locale: 'en-GB' });
    context.setDefaultTimeout(UI_TIMEOUT_MS);
    page = await context.newPage();
    await open(page, '/login');
    await page.getByLabel('Your name').waitFor();
    await expectAccessible(page, 'login');
    await screenshots(page, 'login');
    const name = uniqueName('w');
    await page.getByLabel('Your name').fill(name);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(/#\/wallet$/);
    session = JSON.parse(await inPage<string>(page, "sessionStorage.getItem('dbay.session')")) as Session;
    expect(session.name).to.equal(name);

    await page.getByRole('button', { name: 'Get my deposit address' }).click();
    const address = (await page.getByTestId('deposit-address').textContent())!;
    ownAddress = address;
    expect(address).to.match(/^[mn2][1-9A-HJ-NP-Za-km-z]{25,34}$/);
    // A reload would drop this mark: every later look at the page proves it was updated in place.
    await inPage(page, 'window.sameDocument = true');

    const { txid } = await control.fund([{ address, amount: DEPOSIT }]);
    const row = page.locator(`[data-testid="deposit-row"][data-txid="${txid}"]`);
    await row.waitFor();
    // The stack is shared: another spec may mine too, so every count is checked against the node's own.
    const onChain = async () =>
      (await control.rpc<{ confirmations?: number }>('getrawtransaction', [txid, true])).confirmations ?? 0;
    // Both attributes in one read: React may re-render the row between two separate reads.
    const shown = () =>
      inPage<{ confirmations: number; status: string }>(
        page,
        `(() => {
          const row = document.querySelector('[data-testid="deposit-row"][data-txid="${txid}"]');
          return { confirmations: Number(row.dataset.confirmations), status: row.dataset.status };
        })()`,
      );
    let seen = (await shown()).confirmations;
    expect(seen, 'confirmations when first shown').to.be.within(0, Math.max(1, await onChain()));
    const counted = [seen];
    while (seen < CONFIRMATIONS_REQUIRED) {
      expect(await row.getAttribute('data-status'), `at ${seen} confirmations`).to.equal('INCOMING');
      expect(await row.textContent()).to.contain(
        `Incoming: ${seen} / ${CONFIRMATIONS_REQUIRED} confirmations`,
      );
      expect(await page.getByTestId('balance-available').getAttribute('data-doge')).to.equal('0.00000000');
      await control.mine(1);
      const target = Math.min(await onChain(), CONFIRMATIONS_REQUIRED);
      const now = await waitFor(
        async () => {
          const state = await shown();
          const done =
            target < CONFIRMATIONS_REQUIRED ? state.confirmations >= target : state.status === 'CREDITED';
          return done ? state : undefined;
        },
        { timeoutMs: UI_TIMEOUT_MS, description: `the page to show ${target} confirmations` },
      );
      expect(
        now.confirmations,
        `the count only goes up: ${counted.join(', ')} then ${now.confirmations} (${now.status ?? ''}), node ${target}`,
      ).to.be.above(seen);
      seen = now.confirmations;
      counted.push(seen);
    }
    expect(await row.getAttribute('data-status')).to.equal('CREDITED');
    expect(counted.length, `counted ${counted.join(', ')}`).to.be.at.least(3);
    await page
      .locator(`[data-testid="balance-available"][data-doge="${formatDoge(parseDoge(DEPOSIT))}"]`)
      .waitFor();
    expect(await page.getByTestId('balance-available').textContent()).to.equal('500 DOGE');
    expect(await inPage(page, "'sameDocument' in window"), 'the page was never reloaded').to.equal(true);
    await expectAccessible(page, 'wallet');
  });

  it('refuses a bad address or amount in the form and in the API alike, and shows the API’s reason for a refused withdrawal', async () => {
    await page.getByRole('link', { name: 'Withdraw', exact: true }).click();
    await page.waitForURL(/#\/wallet\/withdraw$/);
    const addressField = page.getByLabel('Dogecoin address to send to (regtest)');
    const amountField = page.getByLabel('Amount (DOGE)');
    const goodAddress = p2pkhAddress(ECPair.makeRandom({ network: regtest }).publicKey, regtest);
    const mainnetAddress = p2pkhAddress(ECPair.makeRandom({ network: mainnet }).publicKey, mainnet);
    const bad = [
      { destinationAddress: 'not-a-dogecoin-address', amount: '10', problem: '#withdraw-address-problem' },
      { destinationAddress: mainnetAddress, amount: '10', problem: '#withdraw-address-problem' },
      { destinationAddress: goodAddress, amount: '1.123456789', problem: '#withdraw-amount-problem' },
      { destinationAddress: goodAddress, amount: '-5', problem: '#withdraw-amount-problem' },
      { destinationAddress: goodAddress, amount: '0', problem: '#withdraw-amount-problem' },
      { destinationAddress: goodAddress, amount: '1e3', problem: '#withdraw-amount-problem' },
    ];
    for (const input of bad) {
      await addressField.fill(input.destinationAddress);
      await amountField.fill(input.amount);
      await page.getByRole('button', { name: 'Review withdrawal' }).click();
      const problem = page.locator(input.problem);
      expect(await problem.getAttribute('role'), JSON.stringify(input)).to.equal('alert');
      expect(
        (await problem.textContent())!.length,
        `the form's message for ${JSON.stringify(input)}`,
      ).to.be.above(10);
      expect(await page.getByRole('button', { name: 'Confirm and withdraw' }).count()).to.equal(0);
      const { destinationAddress, amount } = input;
      const answer = await api(session, 'POST', '/v1/withdrawals', { destinationAddress, amount });
      expect(answer.status, `the API on ${JSON.stringify(input)}`).to.equal(400);
      expect(answer.body.error?.code).to.match(/^(WALLET|WITHDRAWAL)_[A-Z_]+$/);
    }

    // Well-formed but more than the balance: the form lets it through, the wallet refuses, the page says why.
    await addressField.fill(goodAddress);
    await amountField.fill('100000');
    await page.getByRole('button', { name: 'Review withdrawal' }).click();
    // The page knows the balance and the fee (GET /v1/withdrawal-policy), so it warns before sending.
    const warning = page.locator('.confirm p.problem[role="alert"]');
    await warning.waitFor();
    expect(await warning.textContent()).to.contain('more than your available balance');
    await page.getByRole('button', { name: 'Confirm and withdraw' }).click();
    // The wallet's own refusal, in words, is a second alert beside the page's warning.
    const refusal = page.locator('.confirm .error[role="alert"]');
    await refusal.waitFor();
    expect(await refusal.textContent()).to.contain(
      'You do not have enough available DOGE for this, including the fee.',
    );
    const answer = await api(session, 'POST', '/v1/withdrawals', {
      destinationAddress: goodAddress,
      amount: '100000',
    });
    expect(answer.status).to.equal(422);
    expect(answer.body.error?.code).to.equal('WALLET_INSUFFICIENT_FUNDS');
    expect(await page.getByTestId('withdraw-amount').textContent()).to.contain('100,000');

    // A valid address of the platform itself (the user's own deposit address): the wallet refuses it.
    await page.getByRole('button', { name: 'Change' }).click();
    await addressField.fill(ownAddress);
    await amountField.fill('10');
    await page.getByRole('button', { name: 'Review withdrawal' }).click();
    await page.getByRole('button', { name: 'Confirm and withdraw' }).click();
    await page.locator('.confirm [role="alert"]', { hasText: 'belongs to DBay itself' }).waitFor();
    const own = await api(session, 'POST', '/v1/withdrawals', {
      destinationAddress: ownAddress,
      amount: '10',
    });
    expect(own.status).to.equal(422);
    expect(own.body.error?.code).to.equal('WITHDRAWAL_TO_OWN_ADDRESS');
    const balance = await api(session, 'GET', '/v1/balance');
    expect(balance.body).to.include({ available: '500.00000000', pending: '0.00000000' });
  });

  it('sends a withdrawal from the form: the confirmation shows amount, fee and total, and the timeline shows its broadcast txid', async () => {
    await page.getByRole('button', { name: 'Change' }).click();
    const destination = p2pkhAddress(ECPair.makeRandom({ network: regtest }).publicKey, regtest);
    await page.getByLabel('Dogecoin address to send to (regtest)').fill(destination);
    await page.getByLabel('Amount (DOGE)').fill(WITHDRAWAL);
    await page.getByRole('button', { name: 'Review withdrawal' }).click();
    await page.getByRole('button', { name: 'Confirm and withdraw' }).waitFor();
    expect(await page.getByTestId('withdraw-amount').textContent()).to.equal('100 DOGE');
    expect(await page.getByTestId('withdraw-fee').isVisible()).to.equal(true);
    expect(await page.getByTestId('withdraw-total').isVisible()).to.equal(true);
    expect(await page.locator('.confirm').textContent()).to.contain(destination);
    await expectAccessible(page, 'withdraw confirmation');
    await screenshots(page, 'withdraw-confirmation');

    await page.getByRole('button', { name: 'Confirm and withdraw' }).click();
    await page.waitForURL(/#\/wallet\/withdrawals\/[0-9a-f-]{36}$/);
    const withdrawalId = page.url().split('/').at(-1)!;
    const txid = page.locator(
      '[data-testid="withdrawal-step"][data-step="broadcast"] [data-testid="withdrawal-txid"]',
    );
    await txid.waitFor({ timeout: 90_000 });
    const broadcastTxid = (await txid.textContent())!;
    expect(broadcastTxid).to.match(/^[0-9a-f]{64}$/);
    expect(
      await control.rpc<string>('getrawtransaction', [broadcastTxid, 0]),
      'the node knows the txid',
    ).to.be.a('string');
    const stored = await api(session, 'GET', `/v1/withdrawals/${withdrawalId}`);
    expect(stored.body).to.include({ destinationAddress: destination, amount: '100.00000000' });
    networkFee = parseDoge(stored.body.networkFee);
    const facts = (await page.locator('dl.facts').textContent())!;
    expect(facts).to.contain(destination);
    expect(facts).to.contain(`${formatDoge(parseDoge(WITHDRAWAL) + networkFee).replace(/\.?0+$/, '')} DOGE`);

    await inPage(page, 'window.sameWithdrawalPage = true');
    await control.mine(CONFIRMATIONS_REQUIRED);
    await page
      .locator('[data-testid="withdrawal-status"][data-status="FINALIZED"]')
      .waitFor({ timeout: 90_000 });
    expect(await inPage(page, "'sameWithdrawalPage' in window")).to.equal(true);
    const steps = await attributesOf(page, '[data-testid="withdrawal-step"]', 'data-step');
    expect(steps[0]).to.equal('requested');
    expect(steps).to.include('broadcast');
    await expectAccessible(page, 'withdrawal timeline');
    await screenshots(page, 'withdrawal-timeline');

    await page.getByRole('link', { name: 'Wallet', exact: true }).click();
    const left = parseDoge(DEPOSIT) - parseDoge(WITHDRAWAL) - networkFee;
    await page.locator(`[data-testid="balance-available"][data-doge="${formatDoge(left)}"]`).waitFor();
    expect(await page.getByTestId('withdrawal-row').first().getAttribute('data-status')).to.equal(
      'FINALIZED',
    );
    await screenshots(page, 'wallet');
  });

  it('exports the ledger of a range to CSV exactly as the ledger API has it', async () => {
    await page.getByRole('link', { name: 'Full history and CSV export' }).click();
    await page.getByTestId('ledger-row').first().waitFor();
    await expectAccessible(page, 'history');
    await screenshots(page, 'history');

    const day = new Date().toISOString().slice(0, 10);
    await page.getByLabel('From', { exact: true }).fill(day);
    await page.getByLabel('To', { exact: true }).fill(day);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).to.equal(`dbay-ledger-${day}-to-${day}.csv`);
    const text = await readFile(await download.path(), 'utf8');
    const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
    expect(parsed.errors).to.deep.equal([]);

    const from = new Date(`${day}T00:00:00.000Z`);
    const to = new Date(from.getTime() + 24 * 60 * 60 * 1000);
    const entries = await ledgerEntriesBetween(session, from, to);
    const columns = parsed.meta.fields!;
    expect(columns).to.deep.equal([
      'createdAt',
      'entryType',
      'bucket',
      'debit',
      'credit',
      'balanceAfter',
      'referenceType',
      'referenceId',
      'transactionId',
      'entryId',
    ]);
    const expected = entries.map((entry) =>
      Object.fromEntries(columns.map((column) => [column, entry[column] ?? ''])),
    );
    expect(parsed.data).to.deep.equal(expected);
    expect(parsed.data.map((row) => row.entryType)).to.include.members(['DEPOSIT', 'WITHDRAWAL']);
    await page.getByText(`Downloaded ${entries.length} entries.`).waitFor();
  });

  it('fits a 375 px screen: no sideways scroll, and the main actions are reachable', async () => {
    const mobile = await signedInContext(browser, session, MOBILE);
    try {
      const small = await mobile.newPage();
      await open(small, '/wallet');
      await small.getByTestId('balance-available').waitFor();
      await small.getByTestId('deposit-address').waitFor();
      expect(await documentWidth(small)).to.be.at.most(MOBILE.width);
      const actions = [
        small.getByRole('link', { name: 'Withdraw', exact: true }),
        small.getByRole('button', { name: 'Copy address' }),
        small.getByRole('link', { name: 'Full history and CSV export' }),
        small.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Market' }),
        small.getByRole('button', { name: 'Sign out' }),
      ];
      for (const action of actions) {
        await action.scrollIntoViewIfNeeded();
        const box = (await action.boundingBox())!;
        expect(box.x, `${action.toString()} starts on screen`).to.be.at.least(0);
        expect(box.x + box.width, `${action.toString()} ends on screen`).to.be.at.most(MOBILE.width);
        expect(box.height, `${action.toString()} is tall enough to tap`).to.be.at.least(24);
      }
      await small.getByRole('link', { name: 'Withdraw', exact: true }).click();
      await small.getByLabel('Amount (DOGE)').fill('1');
      await small.getByRole('button', { name: 'Review withdrawal' }).click();
      expect(await documentWidth(small)).to.be.at.most(MOBILE.width);
    } finally {
      await mobile.close();
    }
  });
});
