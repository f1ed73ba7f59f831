/** The order service: listings, orders, auctions and their timers (docs/order.md). */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { runService } from '@dbay/platform';

await runService({
  name: 'order',
  config: (platform) => z.object({ ...platform }),
  migrations: fileURLToPath(new URL('../migrations/', import.meta.url)),
  compose(service) {
    void service.db;
  },
});
