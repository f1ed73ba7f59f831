/**
 * The simulator's settings, from the environment (docs/CONVENTIONS.md: the Dogecoin regtest RPC on
 * 127.0.0.1:18332 with DOGECOIN_RPC_USER / DOGECOIN_RPC_PASSWORD), validated at boot.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SimulatorConfig {
  host: string;
  port: number;
  user: string;
  password: string;
  dataDir: string;
  requireStandard: boolean;
  logLevel: string;
}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const DEFAULT_DATA_DIR = resolve(REPO_ROOT, '.stack/regtest-node');
export const DEFAULT_RPC_PORT = 18332;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): SimulatorConfig {
  const user = env.DOGECOIN_RPC_USER;
  const password = env.DOGECOIN_RPC_PASSWORD;
  if (!user || !password) throw new Error('DOGECOIN_RPC_USER and DOGECOIN_RPC_PASSWORD must be set');
  const port = Number(env.DOGECOIN_RPC_PORT ?? DEFAULT_RPC_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`invalid DOGECOIN_RPC_PORT ${env.DOGECOIN_RPC_PORT}`);
  const acceptNonStd = env.SIM_ACCEPT_NONSTD_TXN ?? '0';
  if (acceptNonStd !== '0' && acceptNonStd !== '1') throw new Error('SIM_ACCEPT_NONSTD_TXN must be 0 or 1');
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    dataDir: resolve(env.SIM_DATA_DIR ?? DEFAULT_DATA_DIR),
    requireStandard: acceptNonStd === '0',
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}
