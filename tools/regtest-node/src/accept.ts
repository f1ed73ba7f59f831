/**
 * AcceptToMemoryPoolWorker from Dogecoin Core 1.14 (src/validation.cpp), check for check and in the
 * same order, so a transaction is rejected with the reason Core would give first. The reject codes
 * and reasons are what sendrawtransaction turns into "-26 <code>: <reason>". Checks Core runs that
 * cannot trigger for the transactions a wallet builds (sigop limits of P2SH redeem scripts, mempool
 * size trimming) are noted where they are skipped.
 */
import type { Transaction } from 'bitcoinjs-lib';
import {
  ANCESTOR_LIMIT,
  ANCESTOR_SIZE_LIMIT,
  COINBASE_MATURITY,
  DESCENDANT_LIMIT,
  DESCENDANT_SIZE_LIMIT,
  HARD_DUST_LIMIT,
  INCREMENTAL_RELAY_FEE_PER_KB,
  LOCKTIME_THRESHOLD,
  MAX_BLOCK_BASE_SIZE,
  MAX_MONEY,
  MAX_OP_RETURN_RELAY,
  MAX_STANDARD_TX_VERSION,
  MAX_STANDARD_TX_WEIGHT,
  MEMPOOL_EXPIRY_SECONDS,
  MEMPOOL_HEIGHT,
  MIN_RELAY_TX_FEE_PER_KB,
  REJECT_ALREADY_KNOWN,
  REJECT_CONFLICT,
  REJECT_DUPLICATE,
  REJECT_HIGHFEE,
  REJECT_INSUFFICIENTFEE,
  REJECT_INVALID,
  REJECT_NONSTANDARD,
} from './consensus.js';
import type { ChainState } from './chainstate.js';
import { coinsFromTransaction, txidOfHash, type Coins } from './coins.js';
import { SCRIPT_ERRORS, verifyInput } from './interpreter.js';
import {
  allowFree,
  modifiedSize,
  priorityAt,
  sigOpCost,
  virtualSize,
  type Mempool,
  type MempoolEntry,
} from './mempool.js';
import { isPushOnly, parseScript, solve } from './script.js';

export interface AcceptContext {
  chain: ChainState;
  mempool: Mempool;
  /** fRequireStandard: Core's regtest default is false; -acceptnonstdtxn=0 makes it true. */
  requireStandard: boolean;
  /** Seconds since the epoch (GetTime, or the mock time). */
  now: number;
}

export interface AcceptOptions {
  /** nAbsurdFee; 0 disables the check (allowhighfees, or transactions returning from a block). */
  absurdFee: bigint;
  /** fOverrideMempoolLimit: skip expiry, as for transactions re-added during a reorg. */
  overrideMempoolLimit?: boolean;
  /** Entry time to keep, when a saved mempool is loaded back. */
  acceptTime?: number;
}

export type AcceptResult =
  | { kind: 'accepted'; entry: MempoolEntry; replaced: MempoolEntry[]; expired: MempoolEntry[] }
  | { kind: 'rejected'; code: number; reason: string }
  | { kind: 'missing-inputs' };

const rejected = (code: number, reason: string): AcceptResult => ({ kind: 'rejected', code, reason });

const SEQUENCE_FINAL = 0xffffffff;
const SEQUENCE_LOCKTIME_DISABLE_FLAG = 0x80000000;
const SEQUENCE_LOCKTIME_TYPE_FLAG = 0x00400000;
const SEQUENCE_LOCKTIME_MASK = 0x0000ffff;
const SEQUENCE_LOCKTIME_GRANULARITY = 9;
/** MAX_STANDARD_TX_SIGOPS_COST = MAX_BLOCK_SIGOPS_COST / 5. */
const MAX_STANDARD_TX_SIGOPS_COST = 80_000 / 5;

/** CFeeRate::GetFee: truncating, but never zero for a positive rate and size. */
export function feeForSize(ratePerKb: bigint, size: number): bigint {
  const fee = (ratePerKb * BigInt(size)) / 1000n;
  return fee === 0n && size > 0 && ratePerKb > 0n ? 1n : fee;
}

/** COutPoint::IsNull: the prevout of a coinbase input. */
const isNullPrevout = (tx: Transaction, i: number): boolean =>
  tx.ins[i]!.index === 0xffffffff && tx.ins[i]!.hash.every((b) => b === 0);
export const isCoinBase = (tx: Transaction): boolean => tx.ins.length === 1 && isNullPrevout(tx, 0);

/** CheckTransaction: context-free rules; bitcoinjs-lib reads values unsigned, Core signed. */
export function checkTransaction(tx: Transaction): string | null {
  if (tx.ins.length === 0) return 'bad-txns-vin-empty';
  if (tx.outs.length === 0) return 'bad-txns-vout-empty';
  if (tx.byteLength(false) > MAX_BLOCK_BASE_SIZE) return 'bad-txns-oversize';
  let total = 0n;
  for (const out of tx.outs) {
    if (out.value >= 1n << 63n) return 'bad-txns-vout-negative';
    if (out.value > MAX_MONEY) return 'bad-txns-vout-toolarge';
    total += out.value;
    if (total > MAX_MONEY) return 'bad-txns-txouttotal-toolarge';
  }
  const seen = new Set<string>();
  for (const input of tx.ins) {
    const key = `${txidOfHash(input.hash)}:${input.index}`;
    if (seen.has(key)) return 'bad-txns-inputs-duplicate';
    seen.add(key);
  }
  if (isCoinBase(tx)) {
    const length = tx.ins[0]!.script.length;
    if (length < 2 || length > 100) return 'bad-cb-length';
  } else if (tx.ins.some((_, i) => isNullPrevout(tx, i))) return 'bad-txns-prevout-null';
  return null;
}

/** IsStandard (src/policy/policy.cpp) for one output script; segwit is never active on Dogecoin. */
function isStandardOutput(script: Uint8Array): { standard: boolean; nullData: boolean } {
  const solution = solve(script);
  switch (solution.type) {
    case 'multisig': {
      const m = solution.solutions[0]![0]!;
      const n = solution.solutions[solution.solutions.length - 1]![0]!;
      return { standard: n >= 1 && n <= 3 && m >= 1 && m <= n, nullData: false };
    }
    case 'nulldata':
      return { standard: script.length <= MAX_OP_RETURN_RELAY, nullData: true };
    case 'pubkey':
    case 'pubkeyhash':
    case 'scripthash':
      return { standard: true, nullData: false };
    case 'witness_v0_keyhash':
    case 'witness_v0_scripthash':
    case 'nonstandard':
      return { standard: false, nullData: false };
    default: {
      const unreachable: never = solution.type;
      throw new Error(`unknown output type ${String(unreachable)}`);
    }
  }
}

/** IsStandardTx (src/policy/policy.cpp, Dogecoin 1.14.6+: outputs below the hard dust limit). */
export function isStandardTx(tx: Transaction): string | null {
  if (tx.version > MAX_STANDARD_TX_VERSION || tx.version < 1) return 'version';
  if (tx.weight() >= MAX_STANDARD_TX_WEIGHT) return 'tx-size';
  for (const input of tx.ins) {
    if (input.script.length > 1650) return 'scriptsig-size';
    const ops = parseScript(input.script);
    if (ops === null || !isPushOnly(ops)) return 'scriptsig-not-pushonly';
  }
  let dataOutputs = 0;
  for (const out of tx.outs) {
    const { standard, nullData } = isStandardOutput(out.script);
    if (!standard) return 'scriptpubkey';
    if (nullData) dataOutputs++;
    else if (out.value < HARD_DUST_LIMIT) return 'dust';
  }
  if (dataOutputs > 1) return 'multi-op-return';
  return null;
}

/** IsFinalTx at the next block, with median-time-past for time locks (STANDARD_LOCKTIME_VERIFY_FLAGS). */
function isFinalTx(tx: Transaction, height: number, time: number): boolean {
  if (tx.locktime === 0) return true;
  if (tx.locktime < (tx.locktime < LOCKTIME_THRESHOLD ? height : time)) return true;
  return tx.ins.every((input) => input.sequence === SEQUENCE_FINAL);
}

/** CCoinsViewMemPool: mempool transactions first, then the chain's unspent records. */
function viewCoins(ctx: AcceptContext, txid: string): Coins | undefined {
  const entry = ctx.mempool.get(txid);
  if (entry) return coinsFromTransaction(entry.tx, MEMPOOL_HEIGHT);
  return ctx.chain.utxo.get(txid);
}

/** CheckSequenceLocks (BIP68) for the next block. */
function sequenceLocksPass(ctx: AcceptContext, tx: Transaction, views: Coins[]): boolean {
  if (tx.version < 2) return true;
  const tip = ctx.chain.tip;
  const nextHeight = tip.height + 1;
  let minHeight = -1;
  let minTime = -1;
  tx.ins.forEach((input, i) => {
    if (input.sequence & SEQUENCE_LOCKTIME_DISABLE_FLAG) return;
    const coinHeight = views[i]!.height === MEMPOOL_HEIGHT ? nextHeight : views[i]!.height;
    const value = input.sequence & SEQUENCE_LOCKTIME_MASK;
    if (input.sequence & SEQUENCE_LOCKTIME_TYPE_FLAG) {
      const base = ctx.chain.ancestorAt(tip, Math.max(coinHeight - 1, 0))!;
      minTime = Math.max(
        minTime,
        ctx.chain.medianTimePast(base) + (value << SEQUENCE_LOCKTIME_GRANULARITY) - 1,
      );
    } else minHeight = Math.max(minHeight, coinHeight + value - 1);
  });
  return minHeight < nextHeight && minTime < ctx.chain.medianTimePast(tip);
}

/** AreInputsStandard: every prevout script must be of a standard type. */
function inputsStandard(tx: Transaction, views: Coins[]): boolean {
  return tx.ins.every((input, i) => solve(views[i]!.outputs[input.index]!.script).type !== 'nonstandard');
}

function checkAncestorLimits(ctx: AcceptContext, tx: Transaction, size: number): Set<string> | string {
  const ancestors = ctx.mempool.ancestorsOf(tx);
  if (ancestors.size + 1 > ANCESTOR_LIMIT) return `too many unconfirmed ancestors [limit: ${ANCESTOR_LIMIT}]`;
  let ancestorSize = size;
  for (const id of ancestors) {
    ancestorSize += ctx.mempool.get(id)!.vsize;
    const descendants = ctx.mempool.descendantsOf(id);
    if (descendants.size + 1 > DESCENDANT_LIMIT) return `too many descendants for tx ${id}`;
    let descendantSize = size;
    for (const d of descendants) descendantSize += ctx.mempool.get(d)!.vsize;
    if (descendantSize > DESCENDANT_SIZE_LIMIT) return `exceeds descendant size limit for tx ${id}`;
  }
  if (ancestorSize > ANCESTOR_SIZE_LIMIT) return 'exceeds ancestor size limit';
  return ancestors;
}

/** BIP 125 replacement of signalling mempool transactions, as ATMP applies it. */
function checkReplacement(
  ctx: AcceptContext,
  tx: Transaction,
  conflicts: Set<string>,
  fee: bigint,
  size: number,
): { replaced: Set<string> } | AcceptResult {
  const newRate = (fee * 1000n) / BigInt(size);
  const conflictParents = new Set<string>();
  let count = 0;
  for (const id of conflicts) {
    const entry = ctx.mempool.get(id)!;
    if (newRate <= (entry.fee * 1000n) / BigInt(entry.vsize))
      return rejected(REJECT_INSUFFICIENTFEE, 'insufficient fee');
    for (const input of entry.tx.ins) conflictParents.add(txidOfHash(input.hash));
    count += ctx.mempool.descendantsOf(id).size;
  }
  if (count > 100) return rejected(REJECT_NONSTANDARD, 'too many potential replacements');
  const replaced = new Set<string>();
  for (const id of conflicts) for (const d of ctx.mempool.descendantsOf(id)) replaced.add(d);
  let replacedFees = 0n;
  for (const id of replaced) replacedFees += ctx.mempool.get(id)!.fee;
  for (const input of tx.ins) {
    const parent = txidOfHash(input.hash);
    if (!conflictParents.has(parent) && ctx.mempool.has(parent)) {
      return rejected(REJECT_NONSTANDARD, 'replacement-adds-unconfirmed');
    }
  }
  if (fee < replacedFees) return rejected(REJECT_INSUFFICIENTFEE, 'insufficient fee');
  if (fee - replacedFees < feeForSize(INCREMENTAL_RELAY_FEE_PER_KB, size)) {
    return rejected(REJECT_INSUFFICIENTFEE, 'insufficient fee');
  }
  return { replaced };
}

/** CheckInputs: Consensus::CheckTxInputs, then scripts under standard and then mandatory flags. */
function checkInputs(ctx: AcceptContext, tx: Transaction, views: Coins[]): AcceptResult | null {
  const spendHeight = ctx.chain.height + 1;
  let valueIn = 0n;
  for (let i = 0; i < tx.ins.length; i++) {
    const coins = views[i]!;
    if (coins.coinbase && spendHeight - coins.height < COINBASE_MATURITY) {
      return rejected(REJECT_INVALID, 'bad-txns-premature-spend-of-coinbase');
    }
    valueIn += coins.outputs[tx.ins[i]!.index]!.value;
    if (valueIn > MAX_MONEY) return rejected(REJECT_INVALID, 'bad-txns-inputvalues-outofrange');
  }
  const valueOut = tx.outs.reduce((sum, out) => sum + out.value, 0n);
  if (valueIn < valueOut) return rejected(REJECT_INVALID, 'bad-txns-in-belowout');
  for (let i = 0; i < tx.ins.length; i++) {
    const prevScript = views[i]!.outputs[tx.ins[i]!.index]!.script;
    const standardError = verifyInput(tx, i, prevScript, 'standard');
    if (standardError === null) continue;
    const message = SCRIPT_ERRORS[standardError];
    if (verifyInput(tx, i, prevScript, 'mandatory') === null) {
      return rejected(REJECT_NONSTANDARD, `non-mandatory-script-verify-flag (${message})`);
    }
    return rejected(REJECT_INVALID, `mandatory-script-verify-flag-failed (${message})`);
  }
  return null;
}

export function acceptToMemoryPool(
  ctx: AcceptContext,
  tx: Transaction,
  options: AcceptOptions,
): AcceptResult {
  const txid = tx.getId();
  const tip = ctx.chain.tip;
  const checked = checkTransaction(tx);
  if (checked !== null) return rejected(REJECT_INVALID, checked);
  if (isCoinBase(tx)) return rejected(REJECT_INVALID, 'coinbase');
  if (tx.hasWitnesses()) return rejected(REJECT_NONSTANDARD, 'no-witness-yet');
  if (ctx.requireStandard) {
    const reason = isStandardTx(tx);
    if (reason !== null) return rejected(REJECT_NONSTANDARD, reason);
  }
  if (!isFinalTx(tx, tip.height + 1, ctx.chain.medianTimePast(tip)))
    return rejected(REJECT_NONSTANDARD, 'non-final');
  if (ctx.mempool.has(txid)) return rejected(REJECT_ALREADY_KNOWN, 'txn-already-in-mempool');

  // Conflicts with in-memory transactions; a conflict that does not signal BIP 125 is final.
  const conflicts = new Set<string>();
  for (const input of tx.ins) {
    const spender = ctx.mempool.spender(txidOfHash(input.hash), input.index);
    if (spender === undefined || conflicts.has(spender)) continue;
    const optedOut = ctx.mempool.get(spender)!.tx.ins.every((i) => i.sequence >= SEQUENCE_FINAL - 1);
    if (optedOut) return rejected(REJECT_CONFLICT, 'txn-mempool-conflict');
    conflicts.add(spender);
  }

  if (viewCoins(ctx, txid)) return rejected(REJECT_ALREADY_KNOWN, 'txn-already-known');
  const views: Coins[] = [];
  for (const input of tx.ins) {
    const coins = viewCoins(ctx, txidOfHash(input.hash));
    if (!coins) return { kind: 'missing-inputs' };
    views.push(coins);
  }
  if (tx.ins.some((input, i) => !views[i]!.outputs[input.index])) {
    return rejected(REJECT_DUPLICATE, 'bad-txns-inputs-spent');
  }
  if (!sequenceLocksPass(ctx, tx, views)) return rejected(REJECT_NONSTANDARD, 'non-BIP68-final');
  if (ctx.requireStandard && !inputsStandard(tx, views)) {
    return rejected(REJECT_NONSTANDARD, 'bad-txns-nonstandard-inputs');
  }

  const valueIn = tx.ins.reduce((sum, input, i) => sum + views[i]!.outputs[input.index]!.value, 0n);
  const fee = valueIn - tx.outs.reduce((sum, out) => sum + out.value, 0n);
  // CCoinsViewCache::GetPriority at the current height: only coins already in the chain count.
  let coinAge = 0;
  let inChainInputValue = 0n;
  tx.ins.forEach((input, i) => {
    if (views[i]!.height <= tip.height) {
      const value = views[i]!.outputs[input.index]!.value;
      coinAge += Number(value) * (tip.height - views[i]!.height);
      inChainInputValue += value;
    }
  });
  const modSize = modifiedSize(tx);
  const entry: MempoolEntry = {
    tx,
    txid,
    fee,
    vsize: virtualSize(tx),
    modifiedSize: modSize,
    time: options.acceptTime ?? ctx.now,
    entryHeight: tip.height,
    entryPriority: modSize === 0 ? 0 : coinAge / modSize,
    inChainInputValue,
    spendsCoinbase: views.some((coins) => coins.coinbase),
  };
  if (sigOpCost(tx) > MAX_STANDARD_TX_SIGOPS_COST)
    return rejected(REJECT_NONSTANDARD, 'bad-txns-too-many-sigops');
  // DEFAULT_RELAYPRIORITY: below the relay fee only coins old and large enough (AllowFree) may enter.
  // The mempool minimum fee only rises above zero when the 300 MB pool is full, which it never is here.
  if (
    fee < feeForSize(MIN_RELAY_TX_FEE_PER_KB, entry.vsize) &&
    !allowFree(priorityAt(entry, tip.height + 1))
  ) {
    return rejected(REJECT_INSUFFICIENTFEE, 'insufficient priority');
  }
  if (options.absurdFee > 0n && fee > options.absurdFee) return rejected(REJECT_HIGHFEE, 'absurdly-high-fee');
  const ancestors = checkAncestorLimits(ctx, tx, entry.vsize);
  if (typeof ancestors === 'string') return rejected(REJECT_NONSTANDARD, 'too-long-mempool-chain');
  for (const id of ancestors) {
    if (conflicts.has(id)) return rejected(REJECT_INVALID, 'bad-txns-spends-conflicting-tx');
  }
  let replaced = new Set<string>();
  if (conflicts.size > 0) {
    const replacement = checkReplacement(ctx, tx, conflicts, fee, entry.vsize);
    if ('kind' in replacement) return replacement;
    replaced = replacement.replaced;
  }
  const inputsFailure = checkInputs(ctx, tx, views);
  if (inputsFailure) return inputsFailure;

  const replacedEntries = ctx.mempool.removeSet(replaced);
  ctx.mempool.add(entry);
  const expired = options.overrideMempoolLimit ? [] : expireOld(ctx);
  return { kind: 'accepted', entry, replaced: replacedEntries, expired };
}

/** CTxMemPool::Expire: transactions older than -mempoolexpiry leave with their descendants. */
export function expireOld(ctx: AcceptContext): MempoolEntry[] {
  const cutoff = ctx.now - MEMPOOL_EXPIRY_SECONDS;
  const old = ctx.mempool.all().filter((entry) => entry.time < cutoff);
  const doomed = new Set<string>();
  for (const entry of old) for (const id of ctx.mempool.descendantsOf(entry.txid)) doomed.add(id);
  return ctx.mempool.removeSet(doomed);
}
