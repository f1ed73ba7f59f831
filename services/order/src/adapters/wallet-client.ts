/**
 * The wallet's internal HTTP commands the bidding flow needs synchronously: a bid counts only once its
 * maximum is locked, and the bidder gets a definite answer in the same request, so the lock is asked
 * over HTTP (the same domain command, with the same idempotency, as the bid.lock-requested topic).
 * Keys are derived from the bid, so asking again after a timeout or a crash is the same command.
 */
import type { ServiceTokenSigner } from '@dbay/platform';

/** A lock answer is expected within this; the wallet group-commits, so a few hundred ms is normal. */
export const WALLET_CALL_TIMEOUT_MS = 10_000;

export type LockAnswer = { kind: 'locked' } | { kind: 'refused'; code: string; message: string };
export type UnlockAnswer = { kind: 'unlocked' } | { kind: 'nothing-locked'; code: string };

/** The wallet could not be reached or did not answer in time; the command may or may not have run. */
export class WalletUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WalletUnavailableError';
  }
}

export class WalletClient {
  constructor(
    private readonly baseUrl: string,
    private readonly signer: ServiceTokenSigner,
  ) {}

  async lockBid(command: {
    auctionId: string;
    userId: string;
    amountKoinu: bigint;
    idempotencyKey: string;
  }): Promise<LockAnswer> {
    const { status, body } = await this.post('/internal/bid-lock', command.idempotencyKey, {
      auctionId: command.auctionId,
      userId: command.userId,
      amountKoinu: command.amountKoinu.toString(),
    });
    if (status === 200 || status === 201) return { kind: 'locked' };
    if (status >= 400 && status < 500 && body.error) {
      return { kind: 'refused', code: body.error.code, message: body.error.message };
    }
    throw new WalletUnavailableError(`bid-lock answered ${status}`);
  }

  async unlockBid(command: {
    auctionId: string;
    userId: string;
    idempotencyKey: string;
    lockIdempotencyKey: string;
  }): Promise<UnlockAnswer> {
    const { status, body } = await this.post('/internal/bid-unlock', command.idempotencyKey, {
      auctionId: command.auctionId,
      userId: command.userId,
      lockIdempotencyKey: command.lockIdempotencyKey,
    });
    if (status === 200) return { kind: 'unlocked' };
    // No active lock (never locked, or already released): there is nothing to give back.
    if ((status === 404 || status === 409) && body.error)
      return { kind: 'nothing-locked', code: body.error.code };
    throw new WalletUnavailableError(
      `bid-unlock answered ${status}${body.error ? ` ${body.error.code}` : ''}`,
    );
  }

  private async post(
    route: string,
    idempotencyKey: string,
    payload: Record<string, string>,
  ): Promise<{ status: number; body: { error?: { code: string; message: string } } }> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${route}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await this.signer.token()}`,
          'content-type': 'application/json',
          'idempotency-key': idempotencyKey,
        },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(WALLET_CALL_TIMEOUT_MS),
      });
    } catch (error) {
      throw new WalletUnavailableError(`${route}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const text = await response.text();
    let body: { error?: { code: string; message: string } } = {};
    try {
      body = text ? (JSON.parse(text) as typeof body) : {};
    } catch {
      throw new WalletUnavailableError(`${route}: answered ${response.status} with a body that is not JSON`);
    }
    return { status: response.status, body };
  }
}
