/**
 * Script parsing and classification as Dogecoin Core 1.14 does it: CScript::GetOp (src/script/script.cpp),
 * ScriptToAsmStr (src/core_write.cpp), Solver and ExtractDestinations (src/script/standard.cpp). Address
 * encoding and hashing go through bitcoinjs-lib; this module only reads opcodes and bytes.
 */
import { address, crypto } from 'bitcoinjs-lib';
import { regtest } from '@dbay/dogecoin';

export const OP = {
  OP_0: 0x00,
  OP_PUSHDATA1: 0x4c,
  OP_PUSHDATA2: 0x4d,
  OP_PUSHDATA4: 0x4e,
  OP_1NEGATE: 0x4f,
  OP_1: 0x51,
  OP_16: 0x60,
  OP_RETURN: 0x6a,
  OP_DUP: 0x76,
  OP_EQUAL: 0x87,
  OP_EQUALVERIFY: 0x88,
  OP_HASH160: 0xa9,
  OP_CHECKSIG: 0xac,
  OP_CHECKSIGVERIFY: 0xad,
  OP_CHECKMULTISIG: 0xae,
  OP_CHECKMULTISIGVERIFY: 0xaf,
} as const;

/** script.h MAX_SCRIPT_ELEMENT_SIZE and MAX_SCRIPT_SIZE. */
export const MAX_SCRIPT_ELEMENT_SIZE = 520;
const MAX_SCRIPT_SIZE = 10_000;

export interface ScriptOp {
  opcode: number;
  /** The pushed bytes, for opcodes 0x00..OP_PUSHDATA4. */
  data?: Uint8Array;
}

/** CScript::GetOp over the whole script; null where Core's GetOp fails (a truncated push). */
export function parseScript(script: Uint8Array): ScriptOp[] | null {
  const ops: ScriptOp[] = [];
  let pc = 0;
  while (pc < script.length) {
    const opcode = script[pc++]!;
    if (opcode > OP.OP_PUSHDATA4) {
      ops.push({ opcode });
      continue;
    }
    let size: number;
    if (opcode < OP.OP_PUSHDATA1) size = opcode;
    else if (opcode === OP.OP_PUSHDATA1) {
      if (pc + 1 > script.length) return null;
      size = script[pc]!;
      pc += 1;
    } else if (opcode === OP.OP_PUSHDATA2) {
      if (pc + 2 > script.length) return null;
      size = script[pc]! | (script[pc + 1]! << 8);
      pc += 2;
    } else {
      if (pc + 4 > script.length) return null;
      size = (script[pc]! | (script[pc + 1]! << 8) | (script[pc + 2]! << 16)) + script[pc + 3]! * 0x1000000;
      pc += 4;
    }
    if (pc + size > script.length) return null;
    ops.push({ opcode, data: script.subarray(pc, pc + size) });
    pc += size;
  }
  return ops;
}

/** CScript::IsPushOnly: every opcode is a push or OP_1NEGATE/OP_RESERVED/OP_1..OP_16. */
export function isPushOnly(ops: ScriptOp[]): boolean {
  return ops.every((op) => op.opcode <= OP.OP_16);
}

/** CScript::IsUnspendable: outputs Core never stores in the UTXO set. */
export function isUnspendable(script: Uint8Array): boolean {
  return (script.length > 0 && script[0] === OP.OP_RETURN) || script.length > MAX_SCRIPT_SIZE;
}

/** CheckMinimalPush (src/script/interpreter.cpp), used under SCRIPT_VERIFY_MINIMALDATA. */
export function isMinimalPush(op: ScriptOp): boolean {
  const data = op.data ?? new Uint8Array();
  if (data.length === 0) return op.opcode === OP.OP_0;
  if (data.length === 1 && data[0]! >= 1 && data[0]! <= 16) return false;
  if (data.length === 1 && data[0] === 0x81) return false;
  if (data.length <= 75) return op.opcode === data.length;
  if (data.length <= 255) return op.opcode === OP.OP_PUSHDATA1;
  if (data.length <= 65535) return op.opcode === OP.OP_PUSHDATA2;
  return true;
}

const OPCODE_NAMES: Record<number, string> = {
  0x4f: '-1',
  0x50: 'OP_RESERVED',
  0xff: 'OP_INVALIDOPCODE',
};
[
  'OP_NOP OP_VER OP_IF OP_NOTIF OP_VERIF OP_VERNOTIF OP_ELSE OP_ENDIF OP_VERIFY OP_RETURN',
  'OP_TOALTSTACK OP_FROMALTSTACK OP_2DROP OP_2DUP OP_3DUP OP_2OVER OP_2ROT OP_2SWAP OP_IFDUP OP_DEPTH',
  'OP_DROP OP_DUP OP_NIP OP_OVER OP_PICK OP_ROLL OP_ROT OP_SWAP OP_TUCK OP_CAT OP_SUBSTR OP_LEFT',
  'OP_RIGHT OP_SIZE OP_INVERT OP_AND OP_OR OP_XOR OP_EQUAL OP_EQUALVERIFY OP_RESERVED1 OP_RESERVED2',
  'OP_1ADD OP_1SUB OP_2MUL OP_2DIV OP_NEGATE OP_ABS OP_NOT OP_0NOTEQUAL OP_ADD OP_SUB OP_MUL OP_DIV',
  'OP_MOD OP_LSHIFT OP_RSHIFT OP_BOOLAND OP_BOOLOR OP_NUMEQUAL OP_NUMEQUALVERIFY OP_NUMNOTEQUAL',
  'OP_LESSTHAN OP_GREATERTHAN OP_LESSTHANOREQUAL OP_GREATERTHANOREQUAL OP_MIN OP_MAX OP_WITHIN',
  'OP_RIPEMD160 OP_SHA1 OP_SHA256 OP_HASH160 OP_HASH256 OP_CODESEPARATOR OP_CHECKSIG OP_CHECKSIGVERIFY',
  'OP_CHECKMULTISIG OP_CHECKMULTISIGVERIFY OP_NOP1 OP_CHECKLOCKTIMEVERIFY OP_CHECKSEQUENCEVERIFY',
  'OP_NOP4 OP_NOP5 OP_NOP6 OP_NOP7 OP_NOP8 OP_NOP9 OP_NOP10',
]
  .join(' ')
  .split(' ')
  .forEach((name, index) => (OPCODE_NAMES[0x61 + index] = name));
for (let n = 1; n <= 16; n++) OPCODE_NAMES[0x50 + n] = String(n);

/** GetOpName (src/script/script.cpp). */
export function opcodeName(opcode: number): string {
  return OPCODE_NAMES[opcode] ?? 'OP_UNKNOWN';
}

/** CScriptNum(vch, false).getint() for pushes of up to 4 bytes. */
export function decodeScriptNum(data: Uint8Array): number {
  if (data.length === 0) return 0;
  let result = 0;
  for (let i = 0; i < data.length; i++) result += data[i]! * 2 ** (8 * i);
  const last = data[data.length - 1]!;
  if (last & 0x80) return -(result - 0x80 * 2 ** (8 * (data.length - 1)));
  return result;
}

const SIGHASH_NAMES: Record<number, string> = {
  0x01: 'ALL',
  0x81: 'ALL|ANYONECANPAY',
  0x02: 'NONE',
  0x82: 'NONE|ANYONECANPAY',
  0x03: 'SINGLE',
  0x83: 'SINGLE|ANYONECANPAY',
};

/**
 * IsValidSignatureEncoding (src/script/interpreter.cpp): strict DER (BIP66) plus the hash type byte.
 * This is a format check on bytes, the same rules as bitcoinjs-lib's bip66.check.
 */
export function isValidSignatureEncoding(sig: Uint8Array): boolean {
  if (sig.length < 9 || sig.length > 73) return false;
  if (sig[0] !== 0x30 || sig[1] !== sig.length - 3) return false;
  const lenR = sig[3]!;
  if (5 + lenR >= sig.length) return false;
  const lenS = sig[5 + lenR]!;
  if (lenR + lenS + 7 !== sig.length) return false;
  if (sig[2] !== 0x02 || lenR === 0 || sig[4]! & 0x80) return false;
  if (lenR > 1 && sig[4] === 0x00 && !(sig[5]! & 0x80)) return false;
  if (sig[lenR + 4] !== 0x02 || lenS === 0 || sig[lenR + 6]! & 0x80) return false;
  if (lenS > 1 && sig[lenR + 6] === 0x00 && !(sig[lenR + 7]! & 0x80)) return false;
  return true;
}

export function isDefinedHashtype(sig: Uint8Array): boolean {
  if (sig.length === 0) return false;
  const type = sig[sig.length - 1]! & ~0x80;
  return type >= 1 && type <= 3;
}

const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** ScriptToAsmStr (src/core_write.cpp); scriptSigs pass attemptSighashDecode to show "[ALL]". */
export function scriptToAsm(script: Uint8Array, attemptSighashDecode = false): string {
  const parts: string[] = [];
  const ops = parseScriptPrefix(script);
  for (const op of ops.ops) {
    if (op.opcode <= OP.OP_PUSHDATA4) {
      const data = op.data ?? new Uint8Array();
      if (data.length <= 4) parts.push(String(decodeScriptNum(data)));
      else if (attemptSighashDecode && !isUnspendable(script)) {
        const hashName = SIGHASH_NAMES[data[data.length - 1]!];
        if (isValidSignatureEncoding(data) && isDefinedHashtype(data) && hashName !== undefined) {
          parts.push(`${toHex(data.subarray(0, -1))}[${hashName}]`);
        } else parts.push(toHex(data));
      } else parts.push(toHex(data));
    } else parts.push(opcodeName(op.opcode));
  }
  if (ops.failed) parts.push('[error]');
  return parts.join(' ');
}

/** GetOp until it fails, so asm can print what came before "[error]" like Core. */
function parseScriptPrefix(script: Uint8Array): { ops: ScriptOp[]; failed: boolean } {
  for (let end = script.length; end >= 0; end--) {
    const ops = parseScript(script.subarray(0, end));
    if (ops !== null) return { ops, failed: end !== script.length };
  }
  return { ops: [], failed: true };
}

export type TxOutType =
  | 'nonstandard'
  | 'pubkey'
  | 'pubkeyhash'
  | 'scripthash'
  | 'multisig'
  | 'nulldata'
  | 'witness_v0_keyhash'
  | 'witness_v0_scripthash';

export interface Solution {
  type: TxOutType;
  /** Pubkeys, hashes, or [m, ...pubkeys, n] for multisig, as Core's vSolutions. */
  solutions: Uint8Array[];
}

const isSmallInt = (opcode: number): boolean =>
  opcode === OP.OP_0 || (opcode >= OP.OP_1 && opcode <= OP.OP_16);
const smallIntValue = (opcode: number): number => (opcode === OP.OP_0 ? 0 : opcode - (OP.OP_1 - 1));
const isPubkeyPush = (op: ScriptOp | undefined): boolean =>
  op?.data !== undefined && op.data.length >= 33 && op.data.length <= 65;

/** Solver (src/script/standard.cpp). */
export function solve(script: Uint8Array): Solution {
  if (
    script.length === 23 &&
    script[0] === OP.OP_HASH160 &&
    script[1] === 0x14 &&
    script[22] === OP.OP_EQUAL
  ) {
    return { type: 'scripthash', solutions: [script.subarray(2, 22)] };
  }
  if (
    script.length >= 4 &&
    script.length <= 42 &&
    isSmallInt(script[0]!) &&
    script[1]! + 2 === script.length
  ) {
    const program = script.subarray(2);
    if (smallIntValue(script[0]!) === 0 && program.length === 20) {
      return { type: 'witness_v0_keyhash', solutions: [program] };
    }
    if (smallIntValue(script[0]!) === 0 && program.length === 32) {
      return { type: 'witness_v0_scripthash', solutions: [program] };
    }
    return { type: 'nonstandard', solutions: [] };
  }
  const ops = parseScript(script);
  if (script.length >= 1 && script[0] === OP.OP_RETURN) {
    const rest = parseScript(script.subarray(1));
    if (rest !== null && isPushOnly(rest)) return { type: 'nulldata', solutions: [] };
  }
  if (ops === null) return { type: 'nonstandard', solutions: [] };
  if (ops.length === 2 && isPubkeyPush(ops[0]) && ops[1]!.opcode === OP.OP_CHECKSIG) {
    return { type: 'pubkey', solutions: [ops[0]!.data!] };
  }
  if (
    ops.length === 5 &&
    ops[0]!.opcode === OP.OP_DUP &&
    ops[1]!.opcode === OP.OP_HASH160 &&
    ops[2]!.data?.length === 20 &&
    ops[3]!.opcode === OP.OP_EQUALVERIFY &&
    ops[4]!.opcode === OP.OP_CHECKSIG
  ) {
    return { type: 'pubkeyhash', solutions: [ops[2]!.data] };
  }
  const last = ops[ops.length - 1];
  if (ops.length >= 4 && last?.opcode === OP.OP_CHECKMULTISIG && isSmallInt(ops[0]!.opcode)) {
    const keys = ops.slice(1, -2);
    const nOp = ops[ops.length - 2]!;
    const m = smallIntValue(ops[0]!.opcode);
    const n = isSmallInt(nOp.opcode) ? smallIntValue(nOp.opcode) : -1;
    if (keys.every(isPubkeyPush) && m >= 1 && n >= 1 && m <= n && n === keys.length) {
      return {
        type: 'multisig',
        solutions: [Uint8Array.of(m), ...keys.map((k) => k.data!), Uint8Array.of(n)],
      };
    }
  }
  return { type: 'nonstandard', solutions: [] };
}

/** CPubKey::IsValid: the length matches what the first byte announces. */
export function isValidPubkey(pubkey: Uint8Array): boolean {
  const first = pubkey[0];
  if (first === 2 || first === 3) return pubkey.length === 33;
  if (first === 4 || first === 6 || first === 7) return pubkey.length === 65;
  return false;
}

/** IsCompressedOrUncompressedPubKey, the STRICTENC rule. */
export function isCompressedOrUncompressedPubkey(pubkey: Uint8Array): boolean {
  if (pubkey.length === 33) return pubkey[0] === 2 || pubkey[0] === 3;
  if (pubkey.length === 65) return pubkey[0] === 4;
  return false;
}

export const p2pkhAddress = (hash: Uint8Array): string => address.toBase58Check(hash, regtest.pubKeyHash);
const p2shAddress = (hash: Uint8Array): string => address.toBase58Check(hash, regtest.scriptHash);

/** ExtractDestinations: null where Core returns false (then only "type" is printed). */
export function extractDestinations(solution: Solution): { reqSigs: number; addresses: string[] } | null {
  switch (solution.type) {
    case 'pubkey': {
      const pubkey = solution.solutions[0]!;
      return isValidPubkey(pubkey) ? { reqSigs: 1, addresses: [p2pkhAddress(crypto.hash160(pubkey))] } : null;
    }
    case 'pubkeyhash':
      return { reqSigs: 1, addresses: [p2pkhAddress(solution.solutions[0]!)] };
    case 'scripthash':
      return { reqSigs: 1, addresses: [p2shAddress(solution.solutions[0]!)] };
    case 'multisig': {
      const keys = solution.solutions.slice(1, -1).filter(isValidPubkey);
      if (keys.length === 0) return null;
      return {
        reqSigs: solution.solutions[0]![0]!,
        addresses: keys.map((k) => p2pkhAddress(crypto.hash160(k))),
      };
    }
    case 'nulldata':
    case 'witness_v0_keyhash':
    case 'witness_v0_scripthash':
    case 'nonstandard':
      return null;
    default: {
      const unreachable: never = solution.type;
      throw new Error(`unknown output type ${String(unreachable)}`);
    }
  }
}

/** CBitcoinAddress::IsValid for regtest: base58check, version 0x6f or 0xc4, 20-byte payload. */
export function decodeRegtestAddress(text: string): Uint8Array | null {
  try {
    const decoded = address.fromBase58Check(text);
    if (decoded.hash.length !== 20) return null;
    if (decoded.version !== regtest.pubKeyHash && decoded.version !== regtest.scriptHash) return null;
    return address.toOutputScript(text, regtest);
  } catch {
    return null;
  }
}

/** Legacy GetSigOpCount(false) over a script, as GetLegacySigOpCount counts it. */
export function legacySigOpCount(script: Uint8Array): number {
  const ops = parseScriptPrefix(script).ops;
  let count = 0;
  for (const op of ops) {
    if (op.opcode === OP.OP_CHECKSIG || op.opcode === OP.OP_CHECKSIGVERIFY) count += 1;
    else if (op.opcode === OP.OP_CHECKMULTISIG || op.opcode === OP.OP_CHECKMULTISIGVERIFY) count += 20;
  }
  return count;
}
