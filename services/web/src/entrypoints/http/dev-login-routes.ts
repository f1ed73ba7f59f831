/**
 * POST /dev/login (development stacks only; main.ts does not mount it otherwise, so production answers
 * 404): `{ "name" }` picks or creates the user of that name and answers a user token for them, signed
 * with the stack's user-token key. Nothing is stored: the same name is the same user id every time.
 */
import { Router } from 'express';
import { jsonBodies } from '@dbay/platform';
import { devUserIdOf, parseLoginName } from '../../domain/dev-login.js';
import type { DevTokenIssuer } from '../../adapters/dev-token-issuer.js';
import { webError } from './error-table.js';

export interface DevLoginAnswer {
  token: string;
  userId: string;
  name: string;
  expiresAt: string;
}

export function devLoginRoutes(issuer: DevTokenIssuer): Router {
  const router = Router();
  router.post('/login', jsonBodies(), async (req, res) => {
    const body: unknown = req.body;
    const input = typeof body === 'object' && body !== null ? (body as { name?: unknown }).name : undefined;
    const parsed = parseLoginName(input);
    if (!parsed.ok) throw webError('WEB_LOGIN_NAME_INVALID', parsed.message);
    const userId = devUserIdOf(parsed.name);
    const { token, expiresAt } = await issuer.issue(userId, Date.now());
    const answer: DevLoginAnswer = { token, userId, name: parsed.name, expiresAt: expiresAt.toISOString() };
    res.setHeader('cache-control', 'no-store');
    res.json(answer);
  });
  return router;
}
