/**
 * The regtest node simulator as a process: `node --import tsx tools/regtest-node/src/main.ts`.
 * It serves Dogecoin Core 1.14.9's JSON-RPC on 127.0.0.1:$DOGECOIN_RPC_PORT until SIGTERM/SIGINT,
 * then flushes its state to $SIM_DATA_DIR and exits.
 */
import { pino } from 'pino';
import { loadConfig } from './config.js';
import { startRegtestNode } from './index.js';

const config = loadConfig();
const logger = pino({ name: 'regtest-node', level: config.logLevel });

const simulator = await startRegtestNode({
  ...config,
  log: (message, error) => logger.error({ err: error }, message),
});
logger.info(
  {
    url: simulator.url,
    dataDir: config.dataDir,
    height: simulator.node.chain.height,
    requireStandard: config.requireStandard,
  },
  'regtest node simulator listening',
);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping');
  await simulator.stop();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
