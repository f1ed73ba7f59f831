// Composition root of the order service. For now a stub that boots on the shared platform: validated
// configuration, its database pool, and /healthz, /readyz (database) and /metrics on HTTP_PORT. The
// order team grows it into the real service (adapters, consumers, outbox relay) and runService
// drains whatever it returns on SIGTERM.
import { z } from 'zod';
import {
  createKnex,
  createServiceApp,
  loadConfig,
  pingDatabase,
  runService,
  serviceConfigShape,
} from '@dbay/platform';

const SERVICE = 'order';

await runService({
  name: SERVICE,
  async start({ logger, metrics }) {
    const config = loadConfig(z.object(serviceConfigShape(SERVICE)));
    const knex = createKnex({ connectionString: config.DATABASE_URL, schema: config.DB_SCHEMA });
    const { readiness, listen } = createServiceApp({ logger, metrics });
    readiness.register('database', () => pingDatabase(knex));
    const http = await listen(config.HTTP_PORT);
    return { readiness, http, knex };
  },
});
