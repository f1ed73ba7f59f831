/**
 * The one way the pages talk to the APIs: same origin, JSON, the session's bearer token, and an
 * Idempotency-Key on every POST (one per user intent, reused when the same intent is retried). Every
 * failure becomes an ApiError with a code, so the pages show a sentence (error-sentences.ts) and never
 * the raw answer.
 */
import { readSession } from './session.js';

export class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    /** What the order service attaches to a refused payment: the order it created. */
    readonly body: unknown = null,
  ) {
    super(code);
    this.name = 'ApiError';
  }
}

interface ErrorBody {
  error?: { code?: unknown };
}

const TOKEN_PROBLEMS = /_(UNAUTHENTICATED|TOKEN_EXPIRED|TOKEN_INVALID)$/;

/** Listeners told when a call finds the session gone, so the app can send the user to sign in. */
const signedOutListeners = new Set<() => void>();
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown, idempotencyKey?: string) {
  const headers: Record<string, string> = { accept: 'application/json' };
  const session = readSession();
  if (session) headers.authorization = `Bearer ${session.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError('NETWORK_OFFLINE', 0);
  }
  let parsed: unknown;
  try {
    parsed = response.status === 204 ? null : await response.json();
  } catch {
    throw new ApiError(response.ok ? 'RESPONSE_UNREADABLE' : `HTTP_${response.status}`, response.status);
  }
  if (!response.ok) {
    const code = (parsed as ErrorBody | null)?.error?.code;
    const known = typeof code === 'string' ? code : `HTTP_${response.status}`;
    if (response.status === 401 && TOKEN_PROBLEMS.test(known))
      for (const listener of signedOutListeners) listener();
    throw new ApiError(known, response.status, parsed);
  }
  return { status: response.status, body: parsed as T };
}

export async function apiGet<T>(path: string): Promise<T> {
  return (await call<T>('GET', path)).body;
}

/** A POST; `idempotencyKey` names the user's intent (newIntentKey()), the same key on a retry. */
export function apiPost<T>(path: string, body: unknown, idempotencyKey: string) {
  return call<T>('POST', path, body, idempotencyKey);
}

export function newIntentKey(): string {
  return crypto.randomUUID();
}

/** A GET that may not exist yet on this deployment: null on 404. */
export async function apiGetOptional<T>(path: string): Promise<T | null> {
  try {
    return await apiGet<T>(path);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}
