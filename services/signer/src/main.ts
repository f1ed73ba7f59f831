/**
 * The signer: it loads the seed from its secret provider before anything else (a wrong key or
 * passphrase stops it at once), then consumes signing requests and publishes its answers through the
 * outbox. Health and metrics on loopback only; no other ingress, no chain access.
 */
import { fileURLToPath } from 'node:url';
import { Counter } from 'prom-client';
import { runService } from '@dbay/platform';
import { signerConfig, signerSettings } from './config.js';
import { loadAccountKeys } from './adapters/secrets/load-account-keys.js';
import { seedProviderFromConfig } from './adapters/secrets/seed-provider-from-config.js';
import { messageHandlers } from './entrypoints/messages/handlers.js';

await runService({
  name: 'signer',
  config: signerConfig,
  migrations: fileURLToPath(new URL('../migrations/', import.meta.url)),
  async compose(service) {
    const { logger, metrics } = service;
    const settings = signerSettings(service.config);
    const provider = seedProviderFromConfig(settings.secrets);
    const keys = await loadAccountKeys(provider, settings.network, settings.expectedAccountXpub);
    logger.info(
      { network: settings.network, accountXpub: keys.accountXpub, source: provider.description },
      'signer keys loaded',
    );
    logger.info(
      { policy: Object.fromEntries(Object.entries(settings.policy).map(([k, v]) => [k, String(v)])) },
      'signing policy',
    );
    const decisions = new Counter({
      name: `${metrics.prefix}decisions_total`,
      help: 'Signing requests answered, by outcome (signed, replayed, refused) and refusal code.',
      labelNames: ['outcome', 'code'],
      registers: [metrics.registry],
    });

    service.outboxRelay();
    service.consumer({
      handlers: messageHandlers({
        keys,
        policy: settings.policy,
        recordDecision: (outcome, code) => decisions.inc({ outcome, code }),
      }),
    });
  },
});
