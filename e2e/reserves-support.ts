/**
 * Proof of reserves from the outside, for the e2e specs: a snapshot by the documented command
 * (`npm run reserves:snapshot`) and the reconciler's /v1/reserves API with a user's token.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mintUserToken, REPO_ROOT, stackEndpoints } from '@dbay/testing';

const run = promisify(execFile);

export interface SnapshotSummary {
  snapshotId: string;
  rootHash: string;
  totalKoinu: string;
  users: number;
  chainKoinu: string;
  inFlightKoinu: string;
  covered: boolean;
  coins: number;
}

export interface LatestSnapshot {
  snapshotId: string;
  root: { hashHex: string; sumKoinu: string };
  users: number;
  chain: { coinsKoinu: string; inFlightWithdrawalsKoinu: string; covered: boolean };
  coins: Array<{
    txid: string;
    vout: number;
    address: string | null;
    amountKoinu: string;
    confirmations: number;
  }>;
}

export async function reservesCall<T>(
  route: string,
  userId: string | null,
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> =
    userId === null ? {} : { authorization: `Bearer ${await mintUserToken(userId)}` };
  const response = await fetch(`${stackEndpoints().services.reconciler.url}/v1/reserves${route}`, {
    headers,
    signal: AbortSignal.timeout(15_000),
  });
  return { status: response.status, body: (await response.json()) as T };
}

/** One snapshot by the documented command; exit code 0 (covered) or 2 (coins short) both publish one. */
export async function takeSnapshot(): Promise<SnapshotSummary> {
  try {
    const { stdout } = await run('npm', ['run', '-s', 'reserves:snapshot'], {
      cwd: REPO_ROOT,
      timeout: 120_000,
    });
    return JSON.parse(stdout) as SnapshotSummary;
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (failed.code === 2 && failed.stdout) return JSON.parse(failed.stdout) as SnapshotSummary;
    throw new Error(`reserves:snapshot failed (${failed.code}): ${failed.stderr ?? String(error)}`, {
      cause: error,
    });
  }
}
