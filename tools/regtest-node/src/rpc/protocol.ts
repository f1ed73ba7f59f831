/**
 * JSON-RPC errors and parameter access with Core's codes and messages: RPCErrorCode
 * (src/rpc/protocol.h), UniValue's accessor exceptions (univalue get_str/get_int/get_bool), RPCTypeCheck,
 * ParseHashV and uint256S (src/rpc/server.cpp, src/uint256.cpp), and named arguments
 * (transformNamedArguments, src/rpc/server.cpp).
 */

export const RPC = {
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INTERNAL_ERROR: -32603,
  PARSE_ERROR: -32700,
  MISC_ERROR: -1,
  TYPE_ERROR: -3,
  INVALID_ADDRESS_OR_KEY: -5,
  INVALID_PARAMETER: -8,
  DESERIALIZATION_ERROR: -22,
  TRANSACTION_ERROR: -25,
  TRANSACTION_REJECTED: -26,
  TRANSACTION_ALREADY_IN_CHAIN: -27,
} as const;

/** JSONRPCError(code, message): thrown as a UniValue in Core and passed through to the client. */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

/** A std::runtime_error inside a method (help text, UniValue type errors): CRPCTable::execute makes it -1. */
export class RuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuntimeError';
  }
}

type UniType = 'null' | 'bool' | 'object' | 'array' | 'string' | 'number';

export function uniType(value: unknown): UniType {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (Array.isArray(value)) return 'array';
  return 'object';
}

/** request.params as a method sees it: positional, with JSON nulls where named arguments left holes. */
export class Params {
  constructor(private readonly values: readonly unknown[]) {}

  get size(): number {
    return this.values.length;
  }

  raw(i: number): unknown {
    return this.values[i] ?? null;
  }

  isNull(i: number): boolean {
    return uniType(this.raw(i)) === 'null';
  }

  isNum(i: number): boolean {
    return uniType(this.raw(i)) === 'number';
  }

  isBool(i: number): boolean {
    return uniType(this.raw(i)) === 'bool';
  }

  str(i: number): string {
    const value = this.raw(i);
    if (typeof value !== 'string') throw new RuntimeError('JSON value is not a string as expected');
    return value;
  }

  /** UniValue::get_int: a JSON number whose text parses as a 32-bit integer. */
  int(i: number): number {
    const value = this.raw(i);
    if (typeof value !== 'number') throw new RuntimeError('JSON value is not an integer as expected');
    if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) {
      throw new RuntimeError('JSON integer out of range');
    }
    return value;
  }

  int64(i: number): number {
    const value = this.raw(i);
    if (typeof value !== 'number') throw new RuntimeError('JSON value is not an integer as expected');
    if (!Number.isSafeInteger(value)) throw new RuntimeError('JSON integer out of range');
    return value;
  }

  bool(i: number): boolean {
    const value = this.raw(i);
    if (typeof value !== 'boolean') throw new RuntimeError('JSON value is not a boolean as expected');
    return value;
  }

  /** RPCTypeCheck(params, types, fAllowNull=false): -3 "Expected type X, got Y". */
  typeCheck(types: UniType[]): void {
    types.forEach((expected, i) => {
      if (i >= this.size) return;
      const actual = uniType(this.raw(i));
      if (actual !== expected) throw new RpcError(RPC.TYPE_ERROR, `Expected type ${expected}, got ${actual}`);
    });
  }
}

const isHex = (text: string): boolean =>
  text.length > 0 && text.length % 2 === 0 && /^[0-9a-fA-F]*$/.test(text);
export { isHex };

/** ParseHashV (Bitcoin 0.14 wording): -8 for anything but 64 hex digits. */
export function parseHashV(value: unknown, name: string): string {
  const text = typeof value === 'string' ? value : '';
  if (!isHex(text))
    throw new RpcError(RPC.INVALID_PARAMETER, `${name} must be hexadecimal string (not '${text}')`);
  if (text.length !== 64)
    throw new RpcError(RPC.INVALID_PARAMETER, `${name} must be of length 64 (not ${text.length})`);
  return text.toLowerCase();
}

/**
 * uint256S / base_blob::SetHex: skips leading spaces and "0x", reads the leading run of hex digits and
 * right-aligns it, so "0", "-1" or junk become some hash that is simply not found.
 */
export function uint256S(text: string): string {
  let rest = text.replace(/^\s+/, '');
  if (/^0x/i.test(rest)) rest = rest.slice(2);
  const digits = /^[0-9a-fA-F]*/.exec(rest)![0].toLowerCase();
  return digits.slice(-64).padStart(64, '0');
}

/** transformNamedArguments: map names to positions, JSON null in holes, none at the end. */
export function positionalParams(params: unknown, argNames: readonly string[]): unknown[] {
  if (Array.isArray(params)) return params as unknown[];
  const named = new Map(Object.entries(params as Record<string, unknown>));
  const out: unknown[] = [];
  let hole = 0;
  for (const name of argNames) {
    if (named.has(name)) {
      for (; hole > 0; hole--) out.push(null);
      out.push(named.get(name));
      named.delete(name);
    } else hole++;
  }
  const unknown = [...named.keys()].sort()[0];
  if (unknown !== undefined) throw new RpcError(RPC.INVALID_PARAMETER, `Unknown named parameter ${unknown}`);
  return out;
}
