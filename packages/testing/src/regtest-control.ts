/**
 * A client for the regtest simulator's control surface (/control/<command>, same basic auth as the
 * RPC): fund addresses from the faucet, mine, stage reorgs, drop mempool transactions, inject faults.
 * Used by the watcher's integration tests, its end-to-end tests and its benchmark.
 */
export type FaultMode = 'garbage' | '500' | 'down' | 'hang' | 'none';

export interface ReorgResult {
  forkHeight: number;
  disconnected: string[];
  connected: string[];
  dropped: string[];
}

export class RegtestControl {
  private readonly authorization: string;

  constructor(
    readonly url: string,
    user: string,
    password: string,
  ) {
    this.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }

  private async post<T>(path: string, body: unknown): Promise<T> {
    const response = await fetch(`${this.url.replace(/\/$/, '')}${path}`, {
      method: 'POST',
      headers: { authorization: this.authorization, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  }

  /** Control answers are `{ "result": ... }` (errors `{ "error": { code, message } }`, non-2xx). */
  async control<T>(command: string, body: Record<string, unknown> = {}): Promise<T> {
    const answer = await this.post<{ result: T }>(`/control/${command}`, body);
    return answer.result;
  }

  /** A plain JSON-RPC call (numbers parsed as JS numbers: for tests, never for money). */
  async rpc<T>(method: string, params: unknown[] = []): Promise<T> {
    const answer = await this.post<{ result: T; error: unknown }>('/', {
      jsonrpc: '1.0',
      id: 1,
      method,
      params,
    });
    return answer.result;
  }

  status(): Promise<{
    height: number;
    bestBlockHash: string;
    mempoolSize: number;
    faucetAddress: string;
    fault: string;
  }> {
    return this.control('status');
  }

  /** Pays every output (amounts in DOGE decimal strings) in one faucet transaction; returns its txid. */
  async fund(
    outputs: ReadonlyArray<{ address: string; amount: string }>,
  ): Promise<{ txid: string; hex: string }> {
    return this.control('fund', { outputs });
  }

  async mine(blocks: number, address?: string): Promise<string[]> {
    const result = await this.control<{ blockHashes: string[] }>(
      'mine',
      address === undefined ? { blocks } : { blocks, address },
    );
    return result.blockHashes;
  }

  reorg(options: {
    depth: number;
    blocks?: number;
    drop?: string[];
    dropReturned?: boolean;
  }): Promise<ReorgResult> {
    return this.control('reorg', options);
  }

  dropMempool(txid: string): Promise<{ dropped: string[] }> {
    return this.control('drop-mempool', { txid });
  }

  /** Fault injection on the RPC (the control surface keeps answering, except with "down"). */
  fault(mode: FaultMode, forMs = 0): Promise<unknown> {
    return this.control('fault', mode === 'none' ? { mode } : { mode, forMs });
  }
}
