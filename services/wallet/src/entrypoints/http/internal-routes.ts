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
import { ConfigError, IDEMPOTENCY_KEY_PATTERN, type RouteDoc, type TokenVerifier } from '@dbay/platform';
import { escrowView } from '../../domain/index.js';
import { walletError, type WalletErrorCode } from './error-table.js';
import { balanceKoinuBody, batchResultBody, escrowBody, internalResultBody } from './responses.js';
import { presentBalanceKoinu, presentInternal } from './present.js';
import {
  authenticate,
  commandAnswer,
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
const idempotencyKeyText = z.string().regex(IDEMPOTENCY_KEY_PATTERN, 'must be 1-200 of A-Z a-z 0-9 _ . : -');

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
    .object({ auctionId: uuid, userId: uuid, lockIdempotencyKey: idempotencyKeyText.nullish() })
    .strict()
    .transform(({ lockIdempotencyKey, ...b }): Command => ({
      type: 'UnlockBid',
      ...b,
      ...(lockIdempotencyKey ? { lockIdempotencyKey } : {}),
    })),
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

type InternalCommand = keyof typeof internalCommandSchemas;
const COMMAND_NAMES = Object.keys(internalCommandSchemas) as [InternalCommand, ...InternalCommand[]];

/** At most this many commands in one batch request. */
export const MAX_BATCH_COMMANDS = 200;

/**
 * POST /internal/commands: several commands in one request, each with its own Idempotency-Key and its
 * own answer, run together in the wallet's group commit. The body of each is exactly the single route's.
 */
const batchBody = z
  .object({
    commands: z
      .array(
        z
          .object({ command: z.enum(COMMAND_NAMES), idempotencyKey: idempotencyKeyText, body: z.unknown() })
          .strict(),
      )
      .min(1)
      .max(MAX_BATCH_COMMANDS),
  })
  .strict();

const escrowIdParam = z.object({ orderId: uuid }).strict();
const walletIdParam = z.object({ userId: uuid }).strict();

/** Each internal command: what it does, and the domain refusals it may answer (domain/*.ts). */
const COMMAND_DOCS: Record<
  keyof typeof internalCommandSchemas,
  { summary: string; errors: WalletErrorCode[] }
> = {
  'pay-order': {
    summary: "Lock an order's price in escrow (buyer available -> locked)",
    errors: [
      'WALLET_NOT_FOUND',
      'WALLET_SAME_BUYER_AND_SELLER',
      'WALLET_FEE_EXCEEDS_AMOUNT',
      'WALLET_ESCROW_ALREADY_EXISTS',
      'WALLET_INSUFFICIENT_FUNDS',
    ],
  },
  'release-escrow': {
    summary: 'Release an escrow to the seller, minus the fee',
    errors: ['WALLET_ESCROW_NOT_FOUND', 'WALLET_ESCROW_WRONG_STATE', 'WALLET_ESCROW_DISPUTED'],
  },
  'refund-escrow': {
    summary: 'Refund an escrow to the buyer',
    errors: ['WALLET_ESCROW_NOT_FOUND', 'WALLET_ESCROW_WRONG_STATE', 'WALLET_ESCROW_DISPUTED'],
  },
  'dispute-escrow': {
    summary: 'Freeze an escrow under dispute',
    errors: ['WALLET_ESCROW_NOT_FOUND', 'WALLET_ESCROW_WRONG_STATE', 'WALLET_ESCROW_DISPUTED'],
  },
  'resolve-dispute': {
    summary: 'Resolve a disputed escrow: release, refund or split',
    errors: [
      'WALLET_ESCROW_NOT_FOUND',
      'WALLET_ESCROW_WRONG_STATE',
      'WALLET_SPLIT_REFUND_OUT_OF_RANGE',
      'WALLET_SPLIT_FEE_EXCEEDS_SELLER_PART',
    ],
  },
  'bid-lock': {
    summary: "Lock a bidder's maximum for an auction (raising their earlier lock)",
    errors: [
      'WALLET_NOT_FOUND',
      'WALLET_BID_NOT_HIGHER',
      'WALLET_BID_LOCK_WRONG_STATE',
      'WALLET_BID_LOCK_RELEASED',
      'WALLET_INSUFFICIENT_FUNDS',
    ],
  },
  'bid-unlock': {
    summary:
      "Unlock an outbid or losing bidder's lock; with lockIdempotencyKey, a later lock with that key is refused (WALLET_BID_LOCK_RELEASED)",
    errors: ['WALLET_BID_LOCK_NOT_FOUND', 'WALLET_BID_LOCK_WRONG_STATE', 'WALLET_BID_LOCK_SUPERSEDED'],
  },
  'bid-convert': {
    summary: "Turn the winner's bid lock into the order's escrow",
    errors: [
      'WALLET_BID_LOCK_NOT_FOUND',
      'WALLET_BID_LOCK_WRONG_STATE',
      'WALLET_BID_AMOUNT_EXCEEDS_LOCK',
      'WALLET_SAME_BUYER_AND_SELLER',
      'WALLET_FEE_EXCEEDS_AMOUNT',
      'WALLET_ESCROW_ALREADY_EXISTS',
    ],
  },
};

/** The routes below as the OpenAPI document shows them (mounted at /internal, as app.ts does). */
export const internalRouteDocs: readonly RouteDoc<WalletErrorCode>[] = [
  ...(Object.keys(internalCommandSchemas) as (keyof typeof internalCommandSchemas)[]).map(
    (name): RouteDoc<WalletErrorCode> => ({
      method: 'post',
      path: `/${name}`,
      summary: COMMAND_DOCS[name].summary,
      auth: 'service',
      idempotencyKey: true,
      body: internalCommandSchemas[name],
      responses: {
        [CREATED.has(name) ? 201 : 200]: { description: 'The stored result', schema: internalResultBody },
      },
      errors: [...COMMAND_DOCS[name].errors, 'WALLET_BUSY', 'WALLET_UNAVAILABLE'],
    }),
  ),
  {
    method: 'post',
    path: '/commands',
    summary:
      'Several commands in one request (at most 200), each with its own idempotencyKey and answer, in order; bad input or a command the caller may not send refuses the whole request and runs none',
    auth: 'service',
    body: batchBody,
    responses: { 200: { description: "Each command's status and body, in order", schema: batchResultBody } },
    errors: ['WALLET_VALIDATION_FAILED', 'WALLET_AMOUNT_INVALID', 'WALLET_FORBIDDEN'],
  },
  {
    method: 'get',
    path: '/escrows/:orderId',
    summary: "An order's escrow",
    auth: 'service',
    params: escrowIdParam,
    responses: { 200: { description: 'The escrow', schema: escrowBody } },
    errors: ['WALLET_ESCROW_NOT_FOUND'],
  },
  {
    method: 'get',
    path: '/wallets/:userId/balance',
    summary: "A user's balance in koinu",
    auth: 'service',
    params: walletIdParam,
    responses: { 200: { description: 'The balance', schema: balanceKoinuBody } },
    errors: ['WALLET_NOT_FOUND'],
  },
];

export interface InternalRoutesDeps {
  executor: CommandExecutor;
  queries: WalletQueries;
  verifier: TokenVerifier;
  /** The services (token subjects) allowed on these routes: only the real callers. */
  callers: readonly string[];
  /** Who may send which command (INTERNAL_COMMAND_CALLERS); a command nobody is named for is refused. */
  commandCallers: ReadonlyArray<readonly [command: string, service: string]>;
}

/** The command names of /internal, for checking INTERNAL_COMMAND_CALLERS at boot. */
export const INTERNAL_COMMANDS = Object.keys(internalCommandSchemas);

export function internalRoutes({
  executor,
  queries,
  verifier,
  callers,
  commandCallers,
}: InternalRoutesDeps): Router {
  const unknown = commandCallers.filter(([command]) => !INTERNAL_COMMANDS.includes(command));
  if (unknown.length > 0) {
    throw new ConfigError(
      unknown.map(([command]) => ({
        variable: 'INTERNAL_COMMAND_CALLERS',
        problem: `no internal command ${command} (the commands: ${INTERNAL_COMMANDS.join(', ')})`,
      })),
    );
  }
  const router = Router();
  router.use(authenticate(verifier, { kind: 'service', services: callers }));

  const allowedCallers = (name: InternalCommand) =>
    new Set(commandCallers.filter(([command]) => command === name).map(([, service]) => service));
  const allowed = new Map(COMMAND_NAMES.map((name) => [name, allowedCallers(name)]));
  /** The calling service, refused unless INTERNAL_COMMAND_CALLERS lets it send `name`. */
  const mayCall = (res: Parameters<typeof principalOf>[0], name: InternalCommand): void => {
    const caller = principalOf(res);
    // authenticate() above admits service tokens only.
    const service = caller.kind === 'service' ? caller.name : '';
    if (!allowed.get(name)!.has(service))
      throw walletError('WALLET_FORBIDDEN', `service ${service} may not send ${name} over HTTP`);
  };

  // Before the single routes' /:name: nothing else is called "commands".
  router.post('/commands', async (req, res) => {
    const { commands } = parseBody(batchBody, req.body);
    // Every command is checked before any runs: a bad one refuses the whole request, nothing changes.
    for (const item of commands) mayCall(res, item.command);
    const parsed = commands.map((item, index) => {
      try {
        return parseBody(internalCommandSchemas[item.command] as z.ZodType<Command>, item.body);
      } catch (error) {
        if (error instanceof Error) error.message = `commands[${index}] (${item.command}): ${error.message}`;
        throw error;
      }
    });
    // A key used twice in one request must carry the same command twice (which then answers its first
    // use); another body under it would run the first and refuse the second: refused up front instead.
    const firstOfKey = new Map<string, number>();
    commands.forEach((item, index) => {
      const first = firstOfKey.get(item.idempotencyKey);
      if (first === undefined) firstOfKey.set(item.idempotencyKey, index);
      else if (JSON.stringify(commands[first]) !== JSON.stringify(item))
        throw walletError(
          'WALLET_VALIDATION_FAILED',
          `commands[${index}] reuses the idempotencyKey of commands[${first}] with another command`,
        );
    });
    const scope = scopeOf(principalOf(res));
    const correlationId = correlationOf(res);
    const answers = await Promise.all(
      commands.map((item, index) =>
        commandAnswer(
          executor,
          {
            command: parsed[index]!,
            scope,
            idempotencyKey: item.idempotencyKey,
            correlationId,
            causationId: null,
          },
          CREATED.has(item.command) ? 201 : 200,
          presentInternal,
        ),
      ),
    );
    res.status(200).json({ results: answers });
  });

  for (const [name, schema] of Object.entries(internalCommandSchemas) as [
    InternalCommand,
    z.ZodType<Command>,
  ][]) {
    router.post(`/${name}`, async (req, res) => {
      mayCall(res, name);
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
    const { orderId } = parseBody(escrowIdParam, req.params);
    const escrow = await queries.escrow(orderId);
    if (!escrow) throw walletError('WALLET_ESCROW_NOT_FOUND', `order ${orderId} has no escrow`);
    res.json({ escrow: escrowView(escrow) });
  });

  router.get('/wallets/:userId/balance', async (req, res) => {
    const { userId } = parseBody(walletIdParam, req.params);
    const wallet = await queries.wallet(userId);
    if (!wallet) throw walletError('WALLET_NOT_FOUND', `user ${userId} has no wallet`);
    res.json(presentBalanceKoinu(wallet));
  });

  return router;
}
