/**
 * The soak's clients of the platform, as a user and an operator reach it: the wallet and order APIs with
 * tokens from the stack's keys. A request that reaches no answer (a service killed by the nemesis, a
 * socket cut) is retried with the same Idempotency-Key until it is answered, so "accepted" means the
 * platform said so, and a retry can never be a second request.
 */
import { randomUUID } from 'node:crypto';
import { mintOperatorToken, mintUserToken, stackEndpoints } from '@dbay/testing';
import { parseDoge } from '@dbay/money';

const stack = stackEndpoints();
export const WALLET_URL = stack.services.wallet.url;
export const ORDER_URL = stack.services.order.url;

export interface Answer {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; message: string } };
}

export interface Balance {
  available: bigint;
  locked: bigint;
  pending: bigint;
}

/** How long one action keeps retrying an unanswered request (a restart takes a few seconds). */
const UNANSWERED_RETRY_MS = 90_000;

export class Unanswered extends Error {}

export async function request(
  base: string,
  method: 'GET' | 'POST' | 'PATCH',
  route: string,
  token: string,
  body?: unknown,
  idempotencyKey: string = randomUUID(),
  retryForMs = UNANSWERED_RETRY_MS,
): Promise<Answer> {
  const deadline = Date.now() + retryForMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const headers: Record<string, string> = {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
      };
      if (method !== 'GET') headers['idempotency-key'] = idempotencyKey;
      const response = await fetch(`${base}${route}`, {
        method,
        headers,
        body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
        signal: AbortSignal.timeout(20_000),
      });
      const text = await response.text();
      // A 5xx from a service that is going down or coming up is an unanswered request, retried the same.
      if (response.status >= 500 && Date.now() < deadline) {
        await sleep(Math.min(2_000, 200 * (attempt + 1)));
        continue;
      }
      return { status: response.status, body: text ? (JSON.parse(text) as Answer['body']) : {} };
    } catch (error) {
      if (Date.now() >= deadline) throw new Unanswered(`${method} ${route}: ${String(error)}`);
      await sleep(Math.min(2_000, 200 * (attempt + 1)));
    }
  }
}

export class SoakUser {
  private constructor(
    readonly name: string,
    readonly userId: string,
    private token: string,
    private mintedAt: number,
  ) {}

  static async create(name: string): Promise<SoakUser> {
    const userId = randomUUID();
    return new SoakUser(name, userId, await mintUserToken(userId, { expiresIn: '50m' }), Date.now());
  }

  private async fresh(): Promise<string> {
    if (Date.now() - this.mintedAt > 40 * 60_000) {
      this.token = await mintUserToken(this.userId, { expiresIn: '50m' });
      this.mintedAt = Date.now();
    }
    return this.token;
  }

  async wallet(method: 'GET' | 'POST', route: string, body?: unknown, key?: string): Promise<Answer> {
    return request(WALLET_URL, method, `/v1${route}`, await this.fresh(), body, key);
  }

  async orders(
    method: 'GET' | 'POST' | 'PATCH',
    route: string,
    body?: unknown,
    key?: string,
  ): Promise<Answer> {
    return request(ORDER_URL, method, `/v1${route}`, await this.fresh(), body, key);
  }

  async balance(): Promise<Balance> {
    const answer = await this.wallet('GET', '/balance');
    if (answer.status === 404) return { available: 0n, locked: 0n, pending: 0n };
    if (answer.status !== 200) throw new Error(`balance of ${this.name}: ${answer.status}`);
    const body = answer.body as Record<keyof Balance, string>;
    return {
      available: parseDoge(body.available, { allowZero: true }),
      locked: parseDoge(body.locked, { allowZero: true }),
      pending: parseDoge(body.pending, { allowZero: true }),
    };
  }

  /** Every page of a paged list (`items` is the array's field name in the answer). */
  /** Every item of a paged list, following nextCursor (the wallet names the parameter `before`). */
  async all(
    service: 'wallet' | 'orders',
    route: string,
    items: string,
  ): Promise<Array<Record<string, unknown>>> {
    const cursorParam = service === 'wallet' ? 'before' : 'cursor';
    const found: Array<Record<string, unknown>> = [];
    let cursor: string | null = null;
    do {
      const separator = route.includes('?') ? '&' : '?';
      const page: string = `${route}${separator}limit=100${cursor ? `&${cursorParam}=${encodeURIComponent(cursor)}` : ''}`;
      const answer: Answer =
        service === 'wallet' ? await this.wallet('GET', page) : await this.orders('GET', page);
      if (answer.status !== 200) throw new Error(`${route} of ${this.name}: ${answer.status}`);
      found.push(...((answer.body[items] as Array<Record<string, unknown>> | undefined) ?? []));
      cursor = (answer.body.nextCursor as string | null | undefined) ?? null;
    } while (cursor);
    return found;
  }
}

export async function operatorCall(method: 'GET' | 'POST', route: string, body?: unknown): Promise<Answer> {
  const token = await mintOperatorToken('soak-operator', { expiresIn: '10m' });
  return request(ORDER_URL, method, `/ops${route}`, token, body);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
