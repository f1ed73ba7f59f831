/**
 * The wallet the wallet's integration specs talk to: the real service process (services/wallet/src/
 * main.ts) on a throwaway database and a throwaway broker of its own, configured as the stack configures
 * its wallet (services/wallet/stack.env.sh: the stack's key files and account xpub) so that the stack's
 * tokens work on it.
 *
 * Why not the stack's wallet: these specs stand in for the order service, the deposit watcher and the
 * withdrawal saga. They credit deposits no watcher saw, lock escrows for orders nobody placed and
 * finalize withdrawals no saga ran. In the stack's books that is exactly what the reconciler must report,
 * so `npm run reconcile` after `npm test` would cry wolf (issue 16). Here the reconciler never sees them.
 *
 * One sandbox per mocha process, started by the first spec that imports support/stack.ts and stopped
 * (broker and wallet killed, database dropped) after the whole run.
 */
import { randomBytes } from 'node:crypto';
import {
  spawnService,
  stackServiceEnv,
  stopEach,
  startThrowawayKafka,
  ThrowawayDatabase,
  type ServiceProcess,
  type ThrowawayKafka,
} from '@dbay/testing';
import { INTERNAL_COMMANDS } from '../../src/entrypoints/http/internal-routes.js';

export interface WalletSandbox {
  url: string;
  metricsUrl: string;
  /** The wallet's own role on the throwaway database. */
  databaseUrl: string;
  kafkaBrokers: string[];
  stop(): Promise<void>;
}

const ALL_COMMANDS_FOR_ORDER = INTERNAL_COMMANDS.map((command) => `${command}:order`).join(',');

async function startWalletSandbox(): Promise<WalletSandbox> {
  const database = await ThrowawayDatabase.create({
    name: `dbay_test_wallet_${randomBytes(4).toString('hex')}`,
    services: ['wallet'],
  });
  let kafka: ThrowawayKafka | undefined;
  let wallet: ServiceProcess | undefined;
  /** Stops and removes everything, each part even when another fails to stop. */
  const stop = () =>
    stopEach('the wallet sandbox', [() => wallet?.stop(), () => kafka?.stop(), () => database.drop()]);
  try {
    kafka = await startThrowawayKafka();
    wallet = await spawnService({
      service: 'wallet',
      databaseUrl: database.urlOf('wallet'),
      kafkaBrokers: kafka.brokers,
      // The tests stand in for the order service on every command, over HTTP too.
      env: { ...(await stackServiceEnv('wallet')), INTERNAL_COMMAND_CALLERS: ALL_COMMANDS_FOR_ORDER },
    });
    return {
      url: `http://127.0.0.1:${wallet.port}`,
      metricsUrl: `http://127.0.0.1:${wallet.metricsPort}/metrics`,
      databaseUrl: database.urlOf('wallet'),
      kafkaBrokers: [kafka.brokers],
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The wallet under test, started by the root hook below. Set in a hook, not by a top-level await: mocha
 * loads spec files with require() where Node has require(esm) (20.19 on), and a module with a top-level
 * await cannot be required.
 */
export let sandbox: WalletSandbox;

// At the top level of a module a spec imports, these are root hooks: they run once, before and after
// every spec.
before(async function () {
  this.timeout(180_000);
  sandbox = await startWalletSandbox();
});

after(async function () {
  this.timeout(120_000);
  await sandbox?.stop();
});
