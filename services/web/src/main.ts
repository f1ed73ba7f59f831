/**
 * The web service (docs/web.md): the wallet page's one origin. It serves the built UI, forwards the
 * user APIs of the wallet and the order service, streams nudges from Kafka to the signed-in browsers
 * (GET /v1/events), and on a development stack only, logs users in by name (POST /dev/login). It has
 * no database: it never touches the kit's pool, so none is opened.
 */
import { READINESS, TokenVerifier, readSecret, runService } from '@dbay/platform';
import { TOPIC_DECLARATIONS, type Topic } from '@dbay/contracts';
import { devLoginEnabled, webConfig } from './config.js';
import { nudgeFor } from './domain/nudges.js';
import { DevTokenIssuer } from './adapters/dev-token-issuer.js';
import { EventFeed } from './adapters/event-feed.js';
import { devLoginRoutes } from './entrypoints/http/dev-login-routes.js';
import { StreamHub, eventStreamRoutes } from './entrypoints/http/event-stream.js';
import { ORDER_PATHS, WALLET_PATHS, apiProxy } from './entrypoints/http/proxy.js';
import { securityHeaders } from './entrypoints/http/security-headers.js';
import { uiRoutes } from './entrypoints/http/ui-routes.js';

/** The topics whose declarations (schemas/*.topic.json) name web as a consumer. */
export function webTopics(): Topic[] {
  return (Object.keys(TOPIC_DECLARATIONS) as Topic[]).filter((topic) =>
    (TOPIC_DECLARATIONS[topic].consumers as readonly string[]).includes('web'),
  );
}

await runService({
  name: 'web',
  config: webConfig,
  // The proxy forwards bodies untouched; POST /dev/login parses its own.
  parseJsonBodies: false,
  async compose(service) {
    const { config, logger } = service;
    const verifier = await TokenVerifier.create({
      user: {
        publicKeyPem: readSecret(config, 'USER_JWT_PUBLIC_KEY'),
        issuer: config.USER_JWT_ISSUER,
        audience: config.USER_JWT_AUDIENCE,
      },
    });
    const devLogin = devLoginEnabled(config);
    const issuer = devLogin
      ? await DevTokenIssuer.create({
          privateKeyPem: readSecret(config, 'USER_JWT_PRIVATE_KEY'),
          issuer: config.USER_JWT_ISSUER,
          audience: config.USER_JWT_AUDIENCE,
        })
      : undefined;
    if (devLogin) logger.warn('Development login is ON: POST /dev/login issues user tokens to anyone');

    const hub = new StreamHub({
      maxStreamsPerUser: config.WEB_EVENTS_MAX_STREAMS_PER_USER,
      heartbeatMs: config.WEB_EVENTS_HEARTBEAT_MS,
    });
    const feed = new EventFeed({
      kafka: service.kafka,
      codec: service.codec,
      logger,
      topics: webTopics(),
      sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
      heartbeatIntervalMs: config.KAFKA_HEARTBEAT_INTERVAL_MS,
      onEvent: (topic, payload) => {
        const nudge = nudgeFor(topic, payload);
        if (nudge) hub.publish(nudge);
      },
      onFatalError: (error) => service.crash(error),
    });
    service.readiness(READINESS.consumer, () => feed.readinessCheck());
    // Streams end as the drain starts (the pages reconnect elsewhere); the feed stops with the rest.
    service.onDrainStart('event-streams', () => hub.closeAll());
    service.onStop('event-feed', () => feed.stop());

    const proxyTimeoutMs = config.WEB_PROXY_TIMEOUT_MS;
    service.http((app) => {
      app.use(securityHeaders());
      app.use('/v1', eventStreamRoutes(hub, verifier));
      app.use(
        apiProxy({ target: config.WALLET_URL, paths: WALLET_PATHS, timeoutMs: proxyTimeoutMs, logger }),
      );
      app.use(apiProxy({ target: config.ORDER_URL, paths: ORDER_PATHS, timeoutMs: proxyTimeoutMs, logger }));
      if (issuer) app.use('/dev', devLoginRoutes(issuer));
      app.use(
        uiRoutes(config.WEB_UI_DIST_DIR, {
          network: config.DOGECOIN_NETWORK,
          devLogin,
          confirmationsRequired: config.DEPOSIT_CONFIRMATIONS,
        }),
      );
    });
    // Joining runs beside the HTTP start (the page and the APIs do not need it); /readyz waits for it.
    void feed.start().catch((error: unknown) => service.crash(error));
  },
});
