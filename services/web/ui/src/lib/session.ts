/**
 * The signed-in user, kept in sessionStorage only: it ends with the tab, and the page never stores a
 * token (or anything secret) anywhere more lasting.
 */
import type { DevLogin } from './types.js';

const KEY = 'dbay.session';

export type Session = DevLogin;

export function readSession(): Session | null {
  const text = sessionStorage.getItem(KEY);
  if (text === null) return null;
  try {
    const session = JSON.parse(text) as Session;
    if (typeof session.token !== 'string' || Date.parse(session.expiresAt) <= Date.now()) {
      sessionStorage.removeItem(KEY);
      return null;
    }
    return session;
  } catch {
    sessionStorage.removeItem(KEY);
    return null;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}
