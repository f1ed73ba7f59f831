/**
 * What the order service's integration specs share, against the stack `npm run stack:up` started: the
 * order and wallet APIs with tokens from the stack's keys, users funded by real deposits mined on the
 * regtest chain (credited by the watcher and the wallet at 6 confirmations), the order schema read
 * through its own role, and the service's test clock. Nothing here is a mock.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { createKnex } from '@dbay/platform';
import { parseDoge } from '@dbay/money';
import {
  RegtestControl,
  dogecoinRpcPassword,
  expectMatchesOpenApi,
  fetchOpenApi,
  mintOperatorToken,
  mintUserToken,
  stackEndpoints,
  waitFor,
  type OpenApiDocument,
} from '@dbay/testing';

export const DOGE = 100_000_000n;
const stack = stackEndpoints();
export const ORDER_URL = stack.services.order.url;
export const WALLET_URL = stack.services.wallet.url;

export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  body: T & { error?: { code: string; message: string } };
  headers: Headers;
}

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  idempotencyKey?: string | null;
}

export async function call<T = Record<string, unknown>>(
  base: string,
  method: 'GET' | 'POST' | 'PATCH',
  route: string,
  { token, body, idempotencyKey }: CallOptions = {},
): Promise<ApiAnswer<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (method !== 'GET' && idempotencyKey !== null)
    headers['idempotency-key'] = idempotencyKey ?? randomUUID();
  const response = await fetch(`${base}${route}`, {
    method,
    headers,
    body: method === 'GET' ? undefined : typeof body === 'string' ? body : JSON.stringify(body ?? {}),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: (text ? JSON.parse(text) : {}) as ApiAnswer<T>['body'],
    headers: response.headers,
  };
}

export interface User {
  userId: string;
  token: string;
  orders: (
    method: 'GET' | 'POST' | 'PATCH',
    route: string,
    options?: Omit<CallOptions, 'token'>,
  ) => Promise<ApiAnswer>;
  wallet: (method: 'GET' | 'POST', route: string, options?: Omit<CallOptions, 'token'>) => Promise<ApiAnswer>;
}

export async function user(userId: string = randomUUID()): Promise<User> {
  const token = await mintUserToken(userId, { expiresIn: '1h' });
  return {
    userId,
    token,
    orders: (method, route, options = {}) => call(ORDER_URL, method, `/v1${route}`, { ...options, token }),
    wallet: (method, route, options = {}) => call(WALLET_URL, method, `/v1${route}`, { ...options, token }),
  };
}

export async function operator(name = 'ops-alice') {
  const token = await mintOperatorToken(name, { expiresIn: '1h' });
  return (method: 'GET' | 'POST', route: string, options: Omit<CallOptions, 'token'> = {}) =>
    call(ORDER_URL, method, `/ops${route}`, { ...options, token });
}

export function chain(): RegtestControl {
  return new RegtestControl(stack.dogecoinRpc.url, stack.dogecoinRpc.user, dogecoinRpcPassword());
}

export interface Balance {
  available: bigint;
  locked: bigint;
  pending: bigint;
}

export async function balanceOf(who: User): Promise<Balance> {
  const answer = await who.wallet('GET', '/balance');
  if (answer.status === 404) return { available: 0n, locked: 0n, pending: 0n };
  expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
  const body = answer.body as unknown as Record<'available' | 'locked' | 'pending', string>;
  return {
    available: parseDoge(body.available, { allowZero: true }),
    locked: parseDoge(body.locked, { allowZero: true }),
    pending: parseDoge(body.pending, { allowZero: true }),
  };
}

/**
 * Users with `amount` DOGE each, deposited for real: each gets its deposit address from the wallet, one
 * faucet transaction pays them all, six blocks are mined, and every balance is waited for.
 */
export async function fundedUsers(amounts: readonly string[]): Promise<User[]> {
  const users = await Promise.all(amounts.map(() => user()));
  const addresses = await Promise.all(
    users.map(async (each) => {
      const answer = await each.wallet('POST', '/deposit-address');
      expect(answer.status, JSON.stringify(answer.body)).to.be.oneOf([200, 201]);
      return (answer.body as unknown as { address: string }).address;
    }),
  );
  const outputs = amounts
    .map((amount, index) => ({ address: addresses[index]!, amount }))
    .filter(({ amount }) => parseDoge(amount, { allowZero: true }) > 0n);
  if (outputs.length > 0) {
    const control = chain();
    await control.fund(outputs);
    await control.mine(6);
  }
  await Promise.all(
    users.map((each, index) =>
      waitFor(
        async () => (await balanceOf(each)).available === parseDoge(amounts[index]!, { allowZero: true }),
        {
          timeoutMs: 60_000,
          description: `the deposit of ${amounts[index]} DOGE to be credited`,
        },
      ),
    ),
  );
  return users;
}

/** The order schema through a superuser connection (tests read state; they never write it). */
export function orderDb(): Knex {
  return createKnex({ connectionString: stack.databaseAdminUrl, schema: 'order', poolMax: 4 });
}

/** Moves the order service's test clock (the stack enables it; production has no such route). */
export async function advanceClock(milliseconds: number): Promise<void> {
  const ops = await operator('test-clock');
  const answer = await ops('POST', '/dev/clock', { body: { advanceMs: milliseconds } });
  expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
}

export async function newListing(
  seller: User,
  price = '10',
  extra: Record<string, unknown> = {},
): Promise<string> {
  const answer = await seller.orders('POST', '/listings', {
    body: {
      title: `test item ${randomUUID().slice(0, 8)}`,
      description: 'in good condition',
      price,
      ...extra,
    },
  });
  expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
  return (answer.body as unknown as { id: string }).id;
}

export interface OrderView {
  id: string;
  status: string;
  amount: string;
  fee: string;
  sellerReceives: string;
  escrowConfirmed: boolean;
  failure: { code: string; reason: string } | null;
  history: Array<{ from: string | null; to: string; cause: string; actor: string }>;
  deadlines: Array<{ kind: string; dueAt: string }>;
}

export async function orderStatus(who: User, orderId: string): Promise<OrderView> {
  const answer = await who.orders('GET', `/orders/${orderId}`);
  expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
  return answer.body as unknown as OrderView;
}

export async function waitForOrderStatus(
  who: User,
  orderId: string,
  status: string,
  timeoutMs = 30_000,
): Promise<OrderView> {
  return waitFor(
    async () => {
      const view = await orderStatus(who, orderId);
      return view.status === status ? view : undefined;
    },
    { timeoutMs, description: `order ${orderId} to be ${status}` },
  );
}

/**
 * Checks that an answer of the order service matches the OpenAPI document it serves (GET /openapi.json):
 * a documented status for the route, and a body that fits its schema. Returns the answer.
 */
export function documented(
  doc: OpenApiDocument,
  method: string,
  route: string,
  answer: ApiAnswer,
): ApiAnswer {
  expectMatchesOpenApi(doc, method, route, answer.status, answer.body);
  return answer;
}

export const orderOpenApi = (): Promise<OpenApiDocument> => fetchOpenApi(ORDER_URL);
