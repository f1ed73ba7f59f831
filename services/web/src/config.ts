/**
 * The web service's configuration, on the platform's shape (every variable in docs/web.md). The web
 * has no database and no migrations: it serves the built UI, forwards the user APIs of the wallet and
 * the order service, and streams nudges from Kafka.
 *
 * The development login exists only when WEB_DEV_LOGIN=true; it then needs the user-token PRIVATE key
 * (USER_JWT_PRIVATE_KEY or USER_JWT_PRIVATE_KEY_FILE), and NODE_ENV=production refuses it outright, so a
 * production image cannot be talked into issuing tokens by one stray variable.
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { configPieces, secretVariables, type PlatformConfigShape } from '@dbay/platform';
import { DEFAULT_CONFIRMATION_DEPTH, NETWORK_NAMES, type NetworkName } from '@dbay/dogecoin';

const { flag, positiveInt, durationMs } = configPieces;

/** Where `npm run build -w @dbay/web-ui` writes the UI, resolved from this file. */
export const DEFAULT_UI_DIST_DIR = fileURLToPath(new URL('../ui/dist/', import.meta.url));

const httpUrl = z.url({ protocol: /^https?$/ });

export function webConfig(platform: PlatformConfigShape) {
  return z
    .object({
      ...platform,
      /** Production or not; only used to refuse the development login in production. */
      NODE_ENV: z.string().optional(),
      /** The chain the page shows addresses for (the wallet's DOGECOIN_NETWORK). */
      DOGECOIN_NETWORK: z.enum(NETWORK_NAMES as [NetworkName, ...NetworkName[]]).default('regtest'),
      /** Confirmations a deposit needs before it is credited (the watcher's DEPOSIT_CONFIRMATIONS). */
      DEPOSIT_CONFIRMATIONS: positiveInt(DEFAULT_CONFIRMATION_DEPTH),
      /** The wallet's and the order service's user APIs, forwarded on this origin. */
      WALLET_URL: httpUrl.default('http://127.0.0.1:7101'),
      ORDER_URL: httpUrl.default('http://127.0.0.1:7102'),
      /** How long a forwarded request may wait for its upstream before a coded 504. */
      WEB_PROXY_TIMEOUT_MS: positiveInt(30_000),
      /** The built UI (index.html and its assets). */
      WEB_UI_DIST_DIR: z.string().min(1).default(DEFAULT_UI_DIST_DIR),
      /** User tokens for /v1/events: the same trust as the wallet's and the order service's. */
      ...secretVariables('USER_JWT_PUBLIC_KEY'),
      USER_JWT_ISSUER: z.string().min(1).default('dbay-auth'),
      USER_JWT_AUDIENCE: z.string().min(1).default('dbay-wallet'),
      /** Development stacks only: POST /dev/login issues user tokens signed with the private key below. */
      WEB_DEV_LOGIN: flag(false),
      ...secretVariables('USER_JWT_PRIVATE_KEY'),
      /** Open event streams per user at most; one more is refused with 429. */
      WEB_EVENTS_MAX_STREAMS_PER_USER: positiveInt(5),
      /** A comment line this often keeps proxies and the browser from closing an idle stream. */
      WEB_EVENTS_HEARTBEAT_MS: durationMs(15_000).refine((ms) => ms >= 1_000, 'expected at least 1000 ms'),
    })
    .superRefine((config, context) => {
      if (!config.WEB_DEV_LOGIN) return;
      if (config.NODE_ENV === 'production') {
        context.addIssue({
          code: 'custom',
          path: ['WEB_DEV_LOGIN'],
          message: 'the development login cannot be enabled with NODE_ENV=production',
        });
      }
      if (config.USER_JWT_PRIVATE_KEY === undefined && config.USER_JWT_PRIVATE_KEY_FILE === undefined) {
        context.addIssue({
          code: 'custom',
          path: ['WEB_DEV_LOGIN'],
          message: 'the development login needs USER_JWT_PRIVATE_KEY or USER_JWT_PRIVATE_KEY_FILE',
        });
      }
    });
}

export type WebConfig = z.output<ReturnType<typeof webConfig>>;

/** Whether POST /dev/login exists: only with WEB_DEV_LOGIN=true (which the schema allows only with a key). */
export function devLoginEnabled(config: WebConfig): boolean {
  return (
    config.WEB_DEV_LOGIN &&
    (config.USER_JWT_PRIVATE_KEY !== undefined || config.USER_JWT_PRIVATE_KEY_FILE !== undefined)
  );
}
