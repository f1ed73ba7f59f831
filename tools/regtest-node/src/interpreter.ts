/**
 * Input script verification for the output types the platform spends: P2PKH (deposits, change) and
 * P2PK (coinbases). It follows EvalScript/VerifyScript (src/script/interpreter.cpp) step by step under
 * the two flag sets AcceptToMemoryPool uses: STANDARD_SCRIPT_VERIFY_FLAGS, then
 * MANDATORY_SCRIPT_VERIFY_FLAGS (P2SH only) to tell "non-mandatory" from "mandatory" failures.
 * Encoding rules (strict DER, low S, defined hash type, key format) belong to the standard flags only;
 * the signature itself is parsed laxly as CPubKey::Verify does. Hashing, sighash and ECDSA come from
 * bitcoinjs-lib and tiny-secp256k1.
 */
import { crypto, type Transaction } from 'bitcoinjs-lib';
import * as ecc from 'tiny-secp256k1';
import {
  isCompressedOrUncompressedPubkey,
  isDefinedHashtype,
  isMinimalPush,
  isValidSignatureEncoding,
  MAX_SCRIPT_ELEMENT_SIZE,
  OP,
  parseScript,
  solve,
} from './script.js';

/** ScriptErrorString (src/script/script_error.cpp) for the errors these scripts can raise. */
export const SCRIPT_ERRORS = {
  EVAL_FALSE: 'Script evaluated without error but finished with a false/empty top stack element',
  EQUALVERIFY: 'Script failed an OP_EQUALVERIFY operation',
  INVALID_STACK_OPERATION: 'Operation not valid with the current stack size',
  BAD_OPCODE: 'Opcode missing or not understood',
  PUSH_SIZE: 'Push value size limit exceeded',
  MINIMALDATA: 'Data push larger than necessary',
  SIG_DER: 'Non-canonical DER signature',
  SIG_HIGH_S: 'Non-canonical signature: S value is unnecessarily high',
  SIG_HASHTYPE: 'Signature hash type missing or not understood',
  PUBKEYTYPE: 'Public key is neither compressed or uncompressed',
  SIG_NULLFAIL: 'Signature must be zero for failed CHECK(MULTI)SIG operation',
  CLEANSTACK: 'Extra items left on stack after execution',
  UNKNOWN_ERROR: 'unknown error',
} as const;

export type ScriptErrorCode = keyof typeof SCRIPT_ERRORS;
export type VerifyFlags = 'standard' | 'mandatory';

/** secp256k1 order / 2: signatures with a larger S are "high S" (IsLowDERSignature). */
const HALF_ORDER = BigInt('0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0');

class ScriptFailure extends Error {
  constructor(readonly code: ScriptErrorCode) {
    super(SCRIPT_ERRORS[code]);
  }
}

const castToBool = (value: Uint8Array): boolean => {
  for (let i = 0; i < value.length; i++) {
    if (value[i] !== 0) return !(i === value.length - 1 && value[i] === 0x80);
  }
  return false;
};

/** The S value of a strictly DER encoded signature (hash type byte excluded). */
function derS(der: Uint8Array): bigint {
  const lenR = der[3]!;
  const lenS = der[5 + lenR]!;
  return BigInt(`0x${Buffer.from(der.subarray(6 + lenR, 6 + lenR + lenS)).toString('hex')}`);
}

interface CheckContext {
  tx: Transaction;
  inputIndex: number;
  scriptCode: Uint8Array;
  standard: boolean;
}

/** OP_CHECKSIG: CheckSignatureEncoding, CheckPubKeyEncoding, CheckSig and NULLFAIL, in Core's order. */
function checkSig(sig: Uint8Array, pubkey: Uint8Array, ctx: CheckContext): boolean {
  if (ctx.standard && sig.length > 0) {
    if (!isValidSignatureEncoding(sig)) throw new ScriptFailure('SIG_DER');
    if (derS(sig.subarray(0, -1)) > HALF_ORDER) throw new ScriptFailure('SIG_HIGH_S');
    if (!isDefinedHashtype(sig)) throw new ScriptFailure('SIG_HASHTYPE');
  }
  if (ctx.standard && !isCompressedOrUncompressedPubkey(pubkey)) throw new ScriptFailure('PUBKEYTYPE');
  const ok = verifyEcdsa(sig, pubkey, ctx);
  if (!ok && ctx.standard && sig.length > 0) throw new ScriptFailure('SIG_NULLFAIL');
  return ok;
}

/**
 * TransactionSignatureChecker::CheckSig and CPubKey::Verify (src/pubkey.cpp). Strictness is not
 * checked here: CheckSignatureEncoding did that already when the flags ask for it. Core parses the
 * signature laxly whatever the flags, so a BER-style encoding of a good signature verifies under the
 * mandatory flags, which is what makes "Non-canonical DER signature" a non-mandatory failure.
 */
function verifyEcdsa(sig: Uint8Array, pubkey: Uint8Array, ctx: CheckContext): boolean {
  if (sig.length === 0) return false;
  if (!ecc.isPoint(pubkey)) return false;
  // The hash type is the last byte, whatever its value: only STRICTENC requires a defined one.
  const hashType = sig[sig.length - 1]!;
  const signature = parseDerLax(sig.subarray(0, -1));
  if (signature === null) return false;
  const sighash = ctx.tx.hashForSignature(ctx.inputIndex, ctx.scriptCode, hashType);
  // Core's CPubKey::Verify normalises S before verifying, so high-S signatures are valid by consensus.
  return ecc.verify(sighash, pubkey, signature, false);
}

/** secp256k1's group order n: secp256k1_ecdsa_signature_parse_compact rejects r or s >= n. */
const ORDER = HALF_ORDER * 2n + 1n;

/**
 * ecdsa_signature_parse_der_lax (src/pubkey.cpp, after libsecp256k1's contrib/lax_der_parsing.c):
 * accepts long-form lengths, leading zero bytes and trailing garbage, as long as the tags and lengths
 * stay inside the input. Returns r || s, or null where Core's parse fails, and also where r or s
 * overflows (Core then verifies an all-zero signature, which never verifies) or is zero
 * (secp256k1_ecdsa_verify fails on it).
 */
export function parseDerLax(input: Uint8Array): Uint8Array | null {
  let pos = 0;
  const end = input.length;
  if (pos === end || input[pos] !== 0x30) return null;
  pos++;
  if (pos === end) return null;
  const sequenceLength = input[pos++]!;
  if (sequenceLength & 0x80) {
    if (pos + (sequenceLength - 0x80) > end) return null;
    pos += sequenceLength - 0x80;
  }
  const integer = (): Uint8Array | null => {
    if (pos === end || input[pos] !== 0x02) return null;
    pos++;
    if (pos === end) return null;
    let lengthByte = input[pos++]!;
    let length = lengthByte;
    if (lengthByte & 0x80) {
      lengthByte -= 0x80;
      if (pos + lengthByte > end) return null;
      while (lengthByte > 0 && input[pos] === 0) {
        pos++;
        lengthByte--;
      }
      if (lengthByte >= 8) return null;
      length = 0;
      for (; lengthByte > 0; lengthByte--) length = length * 256 + input[pos++]!;
    }
    if (length > end - pos) return null;
    const value = input.subarray(pos, pos + length);
    pos += length;
    return value;
  };
  const r = integer();
  const s = r === null ? null : integer();
  if (r === null || s === null) return null;
  const compact = new Uint8Array(64);
  for (const [value, offset] of [
    [r, 0],
    [s, 32],
  ] as const) {
    let start = 0;
    while (start < value.length && value[start] === 0) start++;
    const digits = value.subarray(start);
    if (digits.length > 32) return null;
    const number = digits.length === 0 ? 0n : BigInt(`0x${Buffer.from(digits).toString('hex')}`);
    if (number === 0n || number >= ORDER) return null;
    compact.set(digits, offset + 32 - digits.length);
  }
  return compact;
}

function runScriptSig(scriptSig: Uint8Array, standard: boolean): Uint8Array[] {
  const ops = parseScript(scriptSig);
  if (ops === null) throw new ScriptFailure('BAD_OPCODE');
  const stack: Uint8Array[] = [];
  for (const op of ops) {
    if (op.opcode <= OP.OP_PUSHDATA4) {
      const data = op.data ?? new Uint8Array();
      if (data.length > MAX_SCRIPT_ELEMENT_SIZE) throw new ScriptFailure('PUSH_SIZE');
      if (standard && !isMinimalPush(op)) throw new ScriptFailure('MINIMALDATA');
      stack.push(data);
    } else if (op.opcode === OP.OP_1NEGATE) stack.push(Uint8Array.of(0x81));
    else if (op.opcode >= OP.OP_1 && op.opcode <= OP.OP_16)
      stack.push(Uint8Array.of(op.opcode - (OP.OP_1 - 1)));
    else throw new ScriptFailure('UNKNOWN_ERROR');
  }
  return stack;
}

function runScriptPubKey(stack: Uint8Array[], prevScript: Uint8Array, ctx: CheckContext): void {
  const solution = solve(prevScript);
  const pop = (): Uint8Array => {
    const top = stack.pop();
    if (top === undefined) throw new ScriptFailure('INVALID_STACK_OPERATION');
    return top;
  };
  const checksig = (): void => {
    if (stack.length < 2) throw new ScriptFailure('INVALID_STACK_OPERATION');
    const pubkey = pop();
    const sig = pop();
    stack.push(checkSig(sig, pubkey, ctx) ? Uint8Array.of(1) : new Uint8Array());
  };
  switch (solution.type) {
    case 'pubkeyhash': {
      if (stack.length < 1) throw new ScriptFailure('INVALID_STACK_OPERATION');
      const top = stack[stack.length - 1]!;
      stack.push(crypto.hash160(top));
      stack.push(solution.solutions[0]!);
      const expected = pop();
      const actual = pop();
      if (Buffer.compare(Buffer.from(expected), Buffer.from(actual)) !== 0)
        throw new ScriptFailure('EQUALVERIFY');
      checksig();
      return;
    }
    case 'pubkey':
      stack.push(solution.solutions[0]!);
      checksig();
      return;
    case 'scripthash':
    case 'multisig':
    case 'nulldata':
    case 'witness_v0_keyhash':
    case 'witness_v0_scripthash':
    case 'nonstandard':
      // The simulator only spends the output types the platform and its faucet create.
      throw new ScriptFailure('UNKNOWN_ERROR');
    default: {
      const unreachable: never = solution.type;
      throw new Error(`unknown output type ${String(unreachable)}`);
    }
  }
}

/** VerifyScript for one input; returns the ScriptError name, or null when the input is valid. */
export function verifyInput(
  tx: Transaction,
  inputIndex: number,
  prevScript: Uint8Array,
  flags: VerifyFlags,
): ScriptErrorCode | null {
  const standard = flags === 'standard';
  const ctx: CheckContext = { tx, inputIndex, scriptCode: prevScript, standard };
  try {
    const stack = runScriptSig(tx.ins[inputIndex]!.script, standard);
    runScriptPubKey(stack, prevScript, ctx);
    if (stack.length === 0 || !castToBool(stack[stack.length - 1]!)) return 'EVAL_FALSE';
    if (standard && stack.length !== 1) return 'CLEANSTACK';
    return null;
  } catch (error) {
    if (error instanceof ScriptFailure) return error.code;
    throw error;
  }
}
