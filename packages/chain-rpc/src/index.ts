/**
 * A small client for Dogecoin Core's JSON-RPC (1.14). Core writes amounts as JSON numbers in DOGE
 * with 8 decimals ("value": 12.50000000); JSON.parse would turn them into floats, so responses are
 * parsed with lossless-json and amounts are converted to bigint koinu from their exact digits.
 */
import { isLosslessNumber, LosslessNumber, parse } from 'lossless-json';
import { parseDoge } from '@dbay/money';

export const RPC_TIMEOUT_MS = 10_000;

export interface RpcClientOptions {
  url: string;
  user: string;
  password: string;
  timeoutMs?: number;
}

/** The node answered with a JSON-RPC error object (Core's code and message). */
export class RpcError extends Error {
  constructor(
    readonly rpcCode: number,
    message: string,
    readonly httpStatus: number,
    readonly method: string,
  ) {
    super(`${method}: ${message} (code ${rpcCode})`);
    this.name = 'RpcError';
  }
}

/** The node could not be reached, or answered with something that is not a JSON-RPC reply. */
export class RpcTransportError extends Error {
  constructor(
    message: string,
    readonly method: string,
  ) {
    super(`${method}: ${message}`);
    this.name = 'RpcTransportError';
  }
}

/** What lossless-json hands back: numbers stay LosslessNumber until the caller converts them. */
export type RpcValue = null | boolean | string | LosslessNumber | RpcValue[] | { [key: string]: RpcValue };

/** Converts a Core amount (DOGE, up to 8 decimals) to koinu without passing through a float. */
export function koinuFromRpcAmount(value: RpcValue | undefined): bigint {
  if (!isLosslessNumber(value))
    throw new RpcTransportError(`expected an amount, got ${JSON.stringify(value)}`, 'amount');
  const text = value.toString();
  if (text.startsWith('-')) throw new RpcTransportError(`negative amount ${text}`, 'amount');
  return parseDoge(text, { allowZero: true });
}

/** Converts a Core integer (heights, confirmations, counts) to a JS number, refusing anything else. */
export function integerFromRpc(value: RpcValue | undefined): number {
  if (!isLosslessNumber(value) || !/^-?\d+$/.test(value.toString())) {
    throw new RpcTransportError(`expected an integer, got ${JSON.stringify(value)}`, 'integer');
  }
  const number = Number(value.toString());
  if (!Number.isSafeInteger(number))
    throw new RpcTransportError(`integer out of range: ${value.toString()}`, 'integer');
  return number;
}

export function isRpcObject(value: RpcValue | undefined): value is { [key: string]: RpcValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isLosslessNumber(value);
}

export function stringFromRpc(value: RpcValue | undefined, what: string): string {
  if (typeof value !== 'string') throw new RpcTransportError(`expected a string for ${what}`, what);
  return value;
}

/** An unspent output as gettxout reports it. */
export interface TxOut {
  valueKoinu: bigint;
  confirmations: number;
  scriptPubKeyHex: string;
  coinbase: boolean;
}

export class DogecoinRpcClient {
  private readonly authorization: string;
  private readonly timeoutMs: number;
  private nextId = 1;

  constructor(private readonly options: RpcClientOptions) {
    this.authorization = `Basic ${Buffer.from(`${options.user}:${options.password}`).toString('base64')}`;
    this.timeoutMs = options.timeoutMs ?? RPC_TIMEOUT_MS;
  }

  /** Calls one method; resolves with its result, rejects with RpcError or RpcTransportError. */
  async call(method: string, params: unknown[] = []): Promise<RpcValue> {
    const id = this.nextId++;
    let response: Response;
    try {
      response = await fetch(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: this.authorization },
        body: JSON.stringify({ jsonrpc: '1.0', id, method, params }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new RpcTransportError(
        `node unreachable: ${error instanceof Error ? error.message : String(error)}`,
        method,
      );
    }
    const text = await response.text();
    if (response.status === 401 || response.status === 403) {
      throw new RpcTransportError(`authentication refused (HTTP ${response.status})`, method);
    }
    let body: RpcValue;
    try {
      body = parse(text) as RpcValue;
    } catch {
      throw new RpcTransportError(`malformed reply (HTTP ${response.status}): not JSON`, method);
    }
    if (!isRpcObject(body) || !('result' in body) || !('error' in body)) {
      throw new RpcTransportError(
        `malformed reply (HTTP ${response.status}): not a JSON-RPC response`,
        method,
      );
    }
    const error = body.error;
    if (error !== null && error !== undefined) {
      if (!isRpcObject(error)) throw new RpcTransportError('malformed error object', method);
      const code = isLosslessNumber(error.code) ? Number(error.code.toString()) : Number.NaN;
      const message = typeof error.message === 'string' ? error.message : 'unknown error';
      throw new RpcError(code, message, response.status, method);
    }
    return body.result ?? null;
  }

  async getBlockCount(): Promise<number> {
    return integerFromRpc(await this.call('getblockcount'));
  }

  /** gettxout: null when the output is spent or never existed (Core answers JSON null). */
  async getTxOut(txid: string, vout: number, includeMempool = true): Promise<TxOut | null> {
    const result = await this.call('gettxout', [txid, vout, includeMempool]);
    if (result === null) return null;
    if (!isRpcObject(result) || !isRpcObject(result.scriptPubKey)) {
      throw new RpcTransportError('malformed gettxout result', 'gettxout');
    }
    return {
      valueKoinu: koinuFromRpcAmount(result.value),
      confirmations: integerFromRpc(result.confirmations),
      scriptPubKeyHex: stringFromRpc(result.scriptPubKey.hex, 'scriptPubKey.hex'),
      coinbase: result.coinbase === true,
    };
  }
}
