/**
 * What the browser specs share, against the running stack: Debian's chromium driven by playwright-core
 * (no browser is downloaded), users logged in through the web server's development login, calls to the
 * user APIs through the page's own origin, users funded by real deposits on the regtest chain, the order
 * service's development clock, screenshots for docs/web.md, and an axe-core accessibility check.
 *
 * The page under test is WEB_URL (default: the stack's web server, as CI runs it). A session working on
 * the UI points it at its own web process serving its own build.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { expect } from 'chai';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { parseDoge } from '@dbay/money';
import { REPO_ROOT, mintOperatorToken, stackEndpoints, waitFor } from '@dbay/testing';
import { chainControl } from '../deposit-support.js';

export const WEB_URL = (process.env.WEB_URL ?? stackEndpoints().services.web.url).replace(/\/$/, '');
export const DESKTOP = { width: 1280, height: 800 } as const;
export const MOBILE = { width: 375, height: 812 } as const;
/** Where the screenshots go: docs/web, linked from docs/web.md (SCREENSHOTS_DIR overrides). */
export const SCREENSHOTS_DIR = process.env.SCREENSHOTS_DIR ?? path.join(REPO_ROOT, 'docs', 'web');
/** How long a page may take to show what the stack did (a nudge, or the 5 s polling fallback). */
export const UI_TIMEOUT_MS = 30_000;

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A unique development user name for this run (1-32 of a-z 0-9 _ -). */
export function uniqueName(role: string): string {
  return `b-${role}-${randomUUID().slice(0, 8)}`;
}

export interface Session {
  token: string;
  userId: string;
  name: string;
  expiresAt: string;
}

/** Logs a user in by name through POST /dev/login, as the login page does. */
export async function devLogin(name: string): Promise<Session> {
  const response = await fetch(`${WEB_URL}/dev/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  expect(response.status, `login as ${name}`).to.equal(200);
  return (await response.json()) as Session;
}

/**
 * A browser context already signed in as `session`: the page keeps its session in sessionStorage
 * (`dbay.session`, services/web/ui/src/lib/session.ts), which an init script fills before the app runs.
 */
export async function signedInContext(
  browser: Browser,
  session: Session,
  viewport: { width: number; height: number } = DESKTOP,
): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport, acceptDownloads: true, locale: 'en-GB' });
  const stored = JSON.stringify(JSON.stringify(session));
  await context.addInitScript({
    content: `if (location.protocol.startsWith('http') && sessionStorage.getItem('dbay.session') === null)
      sessionStorage.setItem('dbay.session', ${stored});`,
  });
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  return context;
}

/** Opens a hash route of the page (`/wallet` -> WEB_URL/#/wallet). */
export async function open(page: Page, route: string): Promise<void> {
  await page.goto(`${WEB_URL}/#${route}`);
}

export interface ApiAnswer {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; message: string } };
}

/** A user API call through the page's origin (the web server forwards it), as the page makes it. */
export async function api(
  session: Session,
  method: 'GET' | 'POST',
  route: string,
  body?: unknown,
): Promise<ApiAnswer> {
  const headers: Record<string, string> = { authorization: `Bearer ${session.token}` };
  if (method === 'POST') {
    headers['content-type'] = 'application/json';
    headers['idempotency-key'] = randomUUID();
  }
  const response = await fetch(`${WEB_URL}${route}`, {
    method,
    headers,
    body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  const parsed: unknown = text ? JSON.parse(text) : {};
  return { status: response.status, body: parsed as ApiAnswer['body'] };
}

export async function availableKoinu(session: Session): Promise<bigint> {
  const answer = await api(session, 'GET', '/v1/balance');
  if (answer.status === 404) return 0n;
  expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
  return parseDoge(answer.body.available, { allowZero: true });
}

/** The user's deposit address (assigned on first ask), through the API. */
export async function depositAddress(session: Session): Promise<string> {
  const answer = await api(session, 'POST', '/v1/deposit-address');
  expect(answer.status, JSON.stringify(answer.body)).to.be.oneOf([200, 201]);
  return answer.body.address as string;
}

/**
 * Funds users for real: one faucet transaction pays every deposit address, six blocks are mined, and
 * each balance is waited for (the watcher and the wallet credit at 6 confirmations).
 */
export async function fundUsers(payments: ReadonlyArray<{ session: Session; amount: string }>) {
  const outputs = await Promise.all(
    payments.map(async ({ session, amount }) => ({ address: await depositAddress(session), amount })),
  );
  const before = await Promise.all(payments.map(({ session }) => availableKoinu(session)));
  const control = chainControl();
  await control.fund(outputs);
  await control.mine(6);
  await Promise.all(
    payments.map(({ session, amount }, index) =>
      waitFor(async () => (await availableKoinu(session)) === before[index]! + parseDoge(amount), {
        timeoutMs: 90_000,
        description: `${session.name}'s deposit of ${amount} DOGE to be available`,
      }),
    ),
  );
}

/** Moves the order service's development clock forward (the stack enables POST /ops/dev/clock). */
export async function advanceOrderClock(milliseconds: number): Promise<void> {
  const token = await mintOperatorToken('browser-e2e-clock', { expiresIn: '5m' });
  const response = await fetch(`${stackEndpoints().services.order.url}/ops/dev/clock`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'idempotency-key': randomUUID(),
    },
    body: JSON.stringify({ advanceMs: milliseconds }),
  });
  expect(response.status, await response.text()).to.equal(200);
}

/**
 * Runs `expression` in the page and returns its value (awaited when it is a promise). The specs write
 * page code as text: the repository's TypeScript has Node's types, not the DOM's.
 */
export function inPage<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate<T>(expression);
}

/** How wide the document is: at most the viewport's width when nothing makes it scroll sideways. */
export function documentWidth(page: Page): Promise<number> {
  return inPage(page, '(document.scrollingElement ?? document.documentElement).scrollWidth');
}

/** The data-* or other attribute of every element `selector` finds, in document order. */
export async function attributesOf(
  page: Page,
  selector: string,
  attribute: string,
): Promise<(string | null)[]> {
  const locator = page.locator(selector);
  const values: (string | null)[] = [];
  for (let index = 0; index < (await locator.count()); index += 1)
    values.push(await locator.nth(index).getAttribute(attribute));
  return values;
}

/**
 * Screenshots of the page as it is now, at desktop width and at 375 px, into
 * SCREENSHOTS_DIR/<name>-desktop.png and <name>-mobile.png. At 375 px the document must not scroll
 * sideways. The viewport is put back afterwards.
 */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  const viewport = page.viewportSize() ?? DESKTOP;
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: path.join(SCREENSHOTS_DIR, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize(MOBILE);
  expect(await documentWidth(page), `${name} scrolls sideways at 375 px`).to.be.at.most(MOBILE.width);
  await page.screenshot({ path: path.join(SCREENSHOTS_DIR, `${name}-mobile.png`), fullPage: true });
  await page.setViewportSize(viewport);
}

interface AxeResult {
  violations: Array<{
    id: string;
    impact: string | null;
    help: string;
    nodes: Array<{ target: unknown[] }>;
  }>;
}

/**
 * Runs axe-core on the page as it is now; no `serious` or `critical` violation may be found. The page's
 * Content-Security-Policy (`script-src 'self'`) refuses the inline script page.addScriptTag would add,
 * so axe is evaluated through the DevTools protocol instead, which the policy does not govern: the page
 * keeps the policy it has in production.
 */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  if (!(await inPage<boolean>(page, "typeof axe !== 'undefined'"))) await inPage(page, AXE_SOURCE);
  const { violations } = await inPage<AxeResult>(page, 'axe.run()');
  const grave = violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(' ')).slice(0, 5),
    }));
  expect(grave, `${what}: serious or critical accessibility violations`).to.deep.equal([]);
}
