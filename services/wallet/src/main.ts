/** The wallet service: its configuration, its migrations, and what it has (app.ts). */
import { fileURLToPath } from 'node:url';
import { runService } from '@dbay/platform';
import { SERVICE_NAME, composeWallet } from './app.js';
import { walletConfig } from './config.js';

await runService({
  name: SERVICE_NAME,
  config: walletConfig,
  migrations: fileURLToPath(new URL('../migrations/', import.meta.url)),
  compose: composeWallet,
});
