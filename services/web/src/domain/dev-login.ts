/**
 * The development login's one rule: a name picks a user. Names are 1 to 32 characters of a-z, 0-9, _ and
 * -, compared lower-cased; the user id is the UUID v5 of the name in the login's own namespace, so the
 * same name is the same user on every stack and after every restart (no table to keep).
 */
import { v5 as uuidV5 } from 'uuid';

/** The namespace of development user ids (a fixed random UUID; changing it orphans every dev user). */
export const DEV_LOGIN_NAMESPACE = '3f4b6a0e-5c1d-4e8a-9b27-6d0c8e1f2a93';

const NAME = /^[a-z0-9_-]{1,32}$/;

export type LoginNameResult = { ok: true; name: string } | { ok: false; message: string };

/** The normalized name, or why the input is not one (never echoing the input). */
export function parseLoginName(input: unknown): LoginNameResult {
  if (typeof input !== 'string') return { ok: false, message: 'name must be a string' };
  const name = input.toLowerCase();
  if (!NAME.test(name)) {
    return { ok: false, message: 'name must be 1 to 32 characters of a-z, 0-9, _ and -' };
  }
  return { ok: true, name };
}

/** The user id of a (normalized) development name. */
export function devUserIdOf(name: string): string {
  return uuidV5(name, DEV_LOGIN_NAMESPACE);
}
