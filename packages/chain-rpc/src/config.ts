/**
 * The node's connection settings, one set of variables for every service that talks to it. A service
 * spreads `dogecoinRpcConfigShape` into its own zod object, adds `requireDogecoinRpcCredentials` as a
 * refinement (the reconciler only when its chain checks are on), and builds the client with
 * `createDogecoinRpcClient(config, hooks)`.
 *
 * The defaults are the deposit watcher's documented ones; they suit the saga and the reconciler too.
 * The password comes from DOGECOIN_RPC_PASSWORD or, so that it need not sit in the environment, from
 * the file DOGECOIN_RPC_PASSWORD_FILE names. No message here ever repeats a value.
 */
import { z } from 'zod';
import { readSecret, secretVariables } from '@dbay/platform';
import {
  DEFAULT_BREAKER_OPTIONS,
  DEFAULT_CALL_TIMEOUT_MS,
  DogecoinRpcClient,
  type DogecoinRpcOptions,
  type RpcHooks,
} from './client.js';

export const DEFAULT_DOGECOIN_RPC_URL = 'http://127.0.0.1:18332';

const positiveInt = z.coerce.number().int().positive();

export const dogecoinRpcConfigShape = {
  /** The node's JSON-RPC endpoint; credentials go in the two variables below, never in the URL. */
  DOGECOIN_RPC_URL: z
    .url({ protocol: /^https?$/ })
    .refine((url) => new URL(url).username === '' && new URL(url).password === '', {
      message: 'must not carry credentials: set DOGECOIN_RPC_USER and DOGECOIN_RPC_PASSWORD instead',
    })
    .default(DEFAULT_DOGECOIN_RPC_URL),
  /** Basic auth (rpcuser/rpcpassword); required by requireDogecoinRpcCredentials. */
  DOGECOIN_RPC_USER: z.string().min(1).optional(),
  /** The password, inline or (so it need not sit in the environment) as a file; read when the client is built. */
  ...secretVariables('DOGECOIN_RPC_PASSWORD'),
  /** Hard limit of one RPC call, connection to last byte. A full block at verbosity 2 is ~5 MB. */
  DOGECOIN_RPC_TIMEOUT_MS: positiveInt.default(DEFAULT_CALL_TIMEOUT_MS),
  /** Circuit breaker: open when more than this % of the calls in the rolling window failed... */
  DOGECOIN_RPC_BREAKER_ERROR_PERCENT: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(DEFAULT_BREAKER_OPTIONS.errorThresholdPercentage),
  /** ...and the window holds at least this many calls... */
  DOGECOIN_RPC_BREAKER_VOLUME_THRESHOLD: positiveInt.default(DEFAULT_BREAKER_OPTIONS.volumeThreshold),
  /** ...over a window this long... */
  DOGECOIN_RPC_BREAKER_WINDOW_MS: positiveInt.default(DEFAULT_BREAKER_OPTIONS.rollingCountTimeoutMs),
  /** ...and try one call again after this long open. */
  DOGECOIN_RPC_BREAKER_RESET_MS: positiveInt.default(DEFAULT_BREAKER_OPTIONS.resetTimeoutMs),
};

export type DogecoinRpcConfig = z.output<z.ZodObject<typeof dogecoinRpcConfigShape>>;

/** A refinement for a service's config object: the user, and the password inline or as a file. */
export function requireDogecoinRpcCredentials(
  config: Pick<
    DogecoinRpcConfig,
    'DOGECOIN_RPC_USER' | 'DOGECOIN_RPC_PASSWORD' | 'DOGECOIN_RPC_PASSWORD_FILE'
  >,
  context: z.RefinementCtx,
): void {
  if (config.DOGECOIN_RPC_USER === undefined) {
    context.addIssue({ code: 'custom', path: ['DOGECOIN_RPC_USER'], message: 'required' });
  }
  if (config.DOGECOIN_RPC_PASSWORD === undefined && config.DOGECOIN_RPC_PASSWORD_FILE === undefined) {
    context.addIssue({
      code: 'custom',
      path: ['DOGECOIN_RPC_PASSWORD'],
      message: 'set DOGECOIN_RPC_PASSWORD or DOGECOIN_RPC_PASSWORD_FILE',
    });
  }
}

/** The client's options from a validated config; reads the password file if that is where it is. */
export function dogecoinRpcOptions(config: DogecoinRpcConfig): Required<DogecoinRpcOptions> {
  const user = config.DOGECOIN_RPC_USER;
  if (user === undefined) throw new Error('DOGECOIN_RPC_USER is not configured');
  const password = readSecret(config, 'DOGECOIN_RPC_PASSWORD');
  return {
    url: config.DOGECOIN_RPC_URL,
    user,
    password,
    timeoutMs: config.DOGECOIN_RPC_TIMEOUT_MS,
    breaker: {
      errorThresholdPercentage: config.DOGECOIN_RPC_BREAKER_ERROR_PERCENT,
      volumeThreshold: config.DOGECOIN_RPC_BREAKER_VOLUME_THRESHOLD,
      rollingCountTimeoutMs: config.DOGECOIN_RPC_BREAKER_WINDOW_MS,
      resetTimeoutMs: config.DOGECOIN_RPC_BREAKER_RESET_MS,
    },
  };
}

export function createDogecoinRpcClient(config: DogecoinRpcConfig, hooks: RpcHooks = {}): DogecoinRpcClient {
  return new DogecoinRpcClient(dogecoinRpcOptions(config), hooks);
}
