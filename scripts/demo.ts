/**
 * `npm run demo`: on a running stack (`npm run stack:up`), prepares the wallet page for a look around.
 * Through the page's own origin (the web service, with its development login) it logs in alice and bob,
 * gives each a deposit address, pays them on the regtest node and mines the confirmations, waits until the
 * money is available, then lists an item as alice and opens an auction as bob. It prints the page's URL
 * and how to log in as each. Safe to run again: every run pays each user once more and adds one listing
 * and one auction.
 */
import { randomUUID } from 'node:crypto';
import { formatDoge, parseDoge } from '@dbay/money';
import { RegtestControl, dogecoinRpcPassword, stackEndpoints, waitFor } from '@dbay/testing';

const DEPOSIT_DOGE = '1000';
const CONFIRMATIONS_FALLBACK = 6;
const stack = stackEndpoints();
const web = stack.services.web.url;

interface User {
  name: string;
  userId: string;
  token: string;
  address: string;
}

async function call<T>(method: 'GET' | 'POST', route: string, token?: string, body?: unknown): Promise<T> {
  const response = await fetch(`${web}${route}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(method === 'POST' ? { 'content-type': 'application/json', 'idempotency-key': randomUUID() } : {}),
    },
    body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

async function prepareUser(name: string): Promise<User> {
  const { token, userId } = await call<{ token: string; userId: string }>('POST', '/dev/login', undefined, {
    name,
  });
  const { address } = await call<{ address: string }>('POST', '/v1/deposit-address', token);
  return { name, userId, token, address };
}

async function available(user: User): Promise<bigint> {
  const balance = await call<{ available: string }>('GET', '/v1/balance', user.token);
  return parseDoge(balance.available, { allowZero: true });
}

async function main(): Promise<void> {
  const config = await call<{ devLogin: boolean; confirmationsRequired?: number }>(
    'GET',
    '/config.json',
  ).catch((error: unknown) => {
    throw new Error(
      `the web service does not answer at ${web}; is the stack up (npm run stack:up)? ${String(error)}`,
    );
  });
  if (!config.devLogin) throw new Error(`${web} has no development login (WEB_DEV_LOGIN is off)`);

  console.log('logging in alice and bob and giving them deposit addresses...');
  const [alice, bob] = [await prepareUser('alice'), await prepareUser('bob')];
  const before = new Map([
    [alice.name, await available(alice)],
    [bob.name, await available(bob)],
  ]);

  const chain = new RegtestControl(stack.dogecoinRpc.url, stack.dogecoinRpc.user, dogecoinRpcPassword());
  const { txid } = await chain.fund([
    { address: alice.address, amount: DEPOSIT_DOGE },
    { address: bob.address, amount: DEPOSIT_DOGE },
  ]);
  await chain.mine(config.confirmationsRequired ?? CONFIRMATIONS_FALLBACK);
  console.log(
    `paid ${DEPOSIT_DOGE} DOGE to each in ${txid} and mined the confirmations; waiting for the credit...`,
  );
  const deposit = parseDoge(DEPOSIT_DOGE);
  for (const user of [alice, bob]) {
    await waitFor(async () => (await available(user)) >= before.get(user.name)! + deposit, {
      timeoutMs: 120_000,
      intervalMs: 1_000,
      description: `${user.name}'s deposit to be available`,
    });
  }

  const listing = await call<{ id: string }>('POST', '/v1/listings', alice.token, {
    title: 'Hand-knitted Shiba scarf',
    description: 'Warm, soft, and very much wow.',
    price: '25',
    shippingDays: 7,
  });
  const auction = await call<{ id: string; endsAt: string }>('POST', '/v1/auctions', bob.token, {
    title: 'Signed first-edition Doge poster',
    description: 'Bid early, bid often: soft close extends the end after a late bid.',
    startPrice: '10',
    buyNow: '120',
    durationMinutes: 30,
  });

  console.log(`
The wallet page is ready: http://127.0.0.1:${stack.services.web.port}/

Log in with the development login (the page's login form, or POST /dev/login {"name": "..."}):
  alice  user ${alice.userId}  available ${formatDoge(await available(alice))} DOGE  listed "Hand-knitted Shiba scarf" (${listing.id})
  bob    user ${bob.userId}  available ${formatDoge(await available(bob))} DOGE  auction "Signed first-edition Doge poster" (${auction.id}) ends ${auction.endsAt}
Type the name (alice or bob) and log in; any other name creates a new, empty user.`);
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
