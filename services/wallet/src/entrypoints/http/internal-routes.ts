/**
 * The internal API under /internal, for services with service tokens (user tokens get 403), with the
 * seed's names. Each route builds the same domain command the matching Kafka topic builds; amounts
 * are integer koinu strings.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Command } from '../../domain/index.js';
import type { CommandExecutor } from '../../command-executor.js';
import type { WalletQueries } from '../../adapters/queries.js';
import type { TokenVerifier } from '@dbay/platform';
import { escrowView } from '../../domain/index.js';
import { walletError } from './error-table.js';
import { presentBalanceKoinu, presentInternal } from './present.js';
import {
  authenticate,
  correlationOf,
  idempotencyKeyOf,
  koinuAmount,
  koinuFee,
  parseBody,
  principalOf,
  respondWithCommand,
  scopeOf,
  uuid,
} from './request.js';

const text = z.string().min(1).max(500);

/** Body schemas of the internal commands, strict: an unknown field is a 400, not silently ignored. */
export const internalCommandSchemas = {
  'pay-order': z
    .object({ orderId: uuid, buyerId: uuid, sellerId: uuid, amountKoinu: koinuAmount, feeKoinu: koinuFee })
    .strict()
    .transform((b): Command => ({ type: 'PayOrder', ...b })),
  'release-escrow': z
    .object({ orderId: uuid })
    .strict()
    .transform((b): Command => ({ type: 'ReleaseEscrow', ...b })),
  'refund-escrow': z
    .object({ orderId: uuid })
    .strict()
    .transform((b): Command => ({ type: 'RefundEscrow', ...b })),
  'dispute-escrow': z
    .object({ orderId: uuid, reason: text })
    .strict()
    .transform((b): Command => ({ type: 'DisputeEscrow', ...b })),
  'resolve-dispute': z
    .discriminatedUnion('outcome', [
      // The split's fields may come as null with the other outcomes: Avro's optional fields on Kafka.
      z
        .object({
          orderId: uuid,
          outcome: z.enum(['RELEASE', 'REFUND']),
          buyerRefundKoinu: z.null().optional(),
          feeKoinu: z.null().optional(),
        })
        .strict(),
      z
        .object({
          orderId: uuid,
          outcome: z.literal('SPLIT'),
          buyerRefundKoinu: koinuAmount,
          feeKoinu: koinuFee,
        })
        .strict(),
    ])
    .transform((b): Command =>
      b.outcome === 'SPLIT'
        ? { type: 'ResolveDispute', ...b }
        : { type: 'ResolveDispute', orderId: b.orderId, outcome: b.outcome },
    ),
  'bid-lock': z
    .object({ auctionId: uuid, userId: uuid, amountKoinu: koinuAmount })
    .strict()
    .transform((b): Command => ({ type: 'LockBid', ...b })),
  'bid-unlock': z
    .object({ auctionId: uuid, userId: uuid })
    .strict()
    .transform((b): Command => ({ type: 'UnlockBid', ...b })),
  'bid-convert': z
    .object({
      auctionId: uuid,
      userId: uuid,
      orderId: uuid,
      sellerId: uuid,
      amountKoinu: koinuAmount,
      feeKoinu: koinuFee,
    })
    .strict()
    .transform((b): Command => ({ type: 'ConvertBid', ...b })),
} as const;

/** Routes that create something answer 201; the rest 200. */
const CREATED = new Set<keyof typeof internalCommandSchemas>(['pay-order']);

export interface InternalRoutesDeps {
  executor: CommandExecutor;
  queries: WalletQueries;
  verifier: TokenVerifier;
  /** The services (token subjects) allowed on these routes: only the real callers. */
  callers: readonly string[];
}

export function internalRoutes({ executor, queries, verifier, callers }: InternalRoutesDeps): Router {
  const router = Router();
  router.use(authenticate(verifier, { kind: 'service', services: callers }));

  for (const [name, schema] of Object.entries(internalCommandSchemas) as [
    keyof typeof internalCommandSchemas,
    z.ZodType<Command>,
  ][]) {
    router.post(`/${name}`, async (req, res) => {
      const idempotencyKey = idempotencyKeyOf(req);
      const command = parseBody(schema, req.body);
      await respondWithCommand(
        executor,
        {
          command,
          scope: scopeOf(principalOf(res)),
          idempotencyKey,
          correlationId: correlationOf(res),
          causationId: null,
        },
        res,
        CREATED.has(name) ? 201 : 200,
        presentInternal,
      );
    });
  }

  router.get('/escrows/:orderId', async (req, res) => {
    const { orderId } = parseBody(z.object({ orderId: uuid }).strict(), req.params);
    const escrow = await queries.escrow(orderId);
    if (!escrow) throw walletError('WALLET_ESCROW_NOT_FOUND', `order ${orderId} has no escrow`);
    res.json({ escrow: escrowView(escrow) });
  });

  router.get('/wallets/:userId/balance', async (req, res) => {
    const { userId } = parseBody(z.object({ userId: uuid }).strict(), req.params);
    const wallet = await queries.wallet(userId);
    if (!wallet) throw walletError('WALLET_NOT_FOUND', `user ${userId} has no wallet`);
    res.json(presentBalanceKoinu(wallet));
  });

  return router;
}
