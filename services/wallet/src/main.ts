/** Composition root of the wallet service: validated config, then startWallet under runService. */
import { runService } from '@dbay/platform';
import { SERVICE_NAME, startWallet } from './app.js';
import { loadWalletConfig } from './config.js';

await runService({
  name: SERVICE_NAME,
  start: (context) => startWallet(loadWalletConfig(), context),
});
