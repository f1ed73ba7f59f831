/**
 * The signer's policy, applied to the exact bytes it is asked to sign: decode the PSBT, prove
 * every input is ours, prove the outputs are exactly what the withdrawals ask for plus our own
 * change, bound the fee and the amounts, and only then sign. Pure: no clock, no I/O; the signing
 * log's facts (what was signed before, the last 24 hours' outflow) come in as data.
 */
import { createHash } from 'node:crypto';
import { Psbt, Transaction, type PsbtTxOutput } from 'bitcoinjs-lib';
import {
  HARD_DUST_LIMIT_KOINU,
  isSoftDust,
  SOFT_DUST_LIMIT_KOINU,
  outputScriptForAddress,
  p2pkhOutputScript,
  sameBytes,
  validateAddress,
  verifyEcdsaSignature,
} from '@dbay/dogecoin';
import type { AccountKeys, OwnKeyPath } from './account-keys.js';
import { refusal, type SigningRefusal } from './refusal.js';
import type { SigningPurpose, SigningRequest, WithdrawalToPay } from './signing-request.js';
import { STANDARD_TRANSACTION_VERSIONS, type SigningPolicy } from './signing-policy.js';

/** What the signing log knows that bears on this request. */
export interface SigningHistory {
  /** Earlier signings that paid any of this request's withdrawal ids. */
  previousSignings: PreviousSigning[];
  /** Outflow (withdrawals plus fees) signed in the last 24 hours. */
  outflowLast24hKoinu: bigint;
  /** FEE_BUMP: the signing that already bumped the request's bumpedTxid, if any. */
  previousBump?: PreviousSigning;
  /** SWEEP: the signing of an earlier request with the same requestId, if any. */
  previousOfRequest?: PreviousSigning;
}

/** A transaction the signer produced, as the signing log stores it and the answer carries it. */
export interface SignedTransaction {
  /** SHA-256 of the unsigned transaction the PSBT carried: what "the same transaction" means. */
  unsignedTransactionHash: string;
  txid: string;
  rawTransactionHex: string;
  feeKoinu: bigint;
  /** Withdrawals plus fee: what leaves the hot wallet. */
  outflowKoinu: bigint;
  sizeBytes: number;
  changeOutputIndex: number | null;
  withdrawals: WithdrawalToPay[];
  /** What the transaction is for (signing-request.ts). */
  purpose: SigningPurpose;
  /** A fee bump: the transaction it pays for; null otherwise. */
  bumpedTxid: string | null;
}

export interface PreviousSigning extends SignedTransaction {
  requestId: string;
}

export type SigningDecision =
  | { kind: 'signed'; transaction: SignedTransaction }
  | { kind: 'replayed'; transaction: PreviousSigning }
  | { kind: 'refused'; refusal: SigningRefusal };

class Refused extends Error {
  constructor(readonly refusal: SigningRefusal) {
    super(refusal.reason);
  }
}

function fail(code: SigningRefusal['code'], reason: string): never {
  throw new Refused(refusal(code, reason));
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** Transaction ids are shown byte-reversed, as every explorer and RPC shows them. */
function txidOf(hash: Uint8Array): string {
  return hex(Uint8Array.from(hash).reverse());
}

export function unsignedTransactionHash(psbt: Psbt): string {
  return createHash('sha256').update(psbt.data.getTransaction()).digest('hex');
}

function decodePsbt(request: SigningRequest, keys: AccountKeys, policy: SigningPolicy): Psbt {
  try {
    // bitcoinjs-lib's own fee-rate guard starts at our per-byte maximum (its check is
    // "rate >= maximumFeeRate", hence the +1); signAndExtract adjusts it to the exact bound.
    return Psbt.fromBase64(request.psbtBase64, {
      network: keys.network,
      maximumFeeRate: Number(policy.maxFeeRateKoinuPerByte) + 1,
    });
  } catch {
    return fail('SIGNER_MALFORMED_REQUEST', 'psbtBase64 is not a valid PSBT');
  }
}

function checkTransactionShape(psbt: Psbt, request: SigningRequest): void {
  if (!STANDARD_TRANSACTION_VERSIONS.includes(psbt.version)) {
    fail('SIGNER_MALFORMED_REQUEST', `transaction version ${psbt.version} is not standard`);
  }
  // A locktime could make the one transaction a withdrawal may ever get unbroadcastable for a while;
  // the signer has no chain view to judge it, so it signs only final transactions.
  if (psbt.locktime !== 0) fail('SIGNER_MALFORMED_REQUEST', 'locktime must be 0');
  if (psbt.inputCount !== request.inputDerivationPaths.length) {
    fail(
      'SIGNER_MALFORMED_REQUEST',
      `the PSBT has ${psbt.inputCount} inputs but ${request.inputDerivationPaths.length} input derivation paths were given`,
    );
  }
  if (psbt.txOutputs.length === 0) fail('SIGNER_MALFORMED_REQUEST', 'the transaction has no outputs');
}

interface OwnInput {
  path: OwnKeyPath;
  valueKoinu: bigint;
}

/** Proves each input spends a P2PKH output of our key at the stated path; returns the input values. */
function checkInputs(psbt: Psbt, request: SigningRequest, keys: AccountKeys): OwnInput[] {
  const outpoints = new Set<string>();
  return psbt.data.inputs.map((input, index) => {
    const txInput = psbt.txInputs[index]!;
    const outpoint = `${txidOf(txInput.hash)}:${txInput.index}`;
    if (outpoints.has(outpoint)) fail('SIGNER_MALFORMED_REQUEST', `input ${index} spends ${outpoint} twice`);
    outpoints.add(outpoint);

    if (input.partialSig?.length || input.finalScriptSig || input.finalScriptWitness) {
      fail('SIGNER_MALFORMED_REQUEST', `input ${index} is already signed`);
    }
    if (input.witnessUtxo || input.redeemScript || input.witnessScript) {
      fail(
        'SIGNER_MALFORMED_REQUEST',
        `input ${index} carries SegWit or P2SH data; only legacy P2PKH inputs are signed`,
      );
    }
    if (input.sighashType !== undefined && input.sighashType !== Transaction.SIGHASH_ALL) {
      fail(
        'SIGNER_MALFORMED_REQUEST',
        `input ${index} asks for sighash type ${input.sighashType}; only SIGHASH_ALL is signed`,
      );
    }
    if (!input.nonWitnessUtxo)
      fail('SIGNER_MALFORMED_REQUEST', `input ${index} lacks nonWitnessUtxo (the full previous transaction)`);

    let previous: Transaction;
    try {
      previous = Transaction.fromBuffer(input.nonWitnessUtxo);
    } catch {
      return fail('SIGNER_MALFORMED_REQUEST', `input ${index}'s nonWitnessUtxo is not a transaction`);
    }
    if (!sameBytes(previous.getHash(), txInput.hash)) {
      fail(
        'SIGNER_PREVOUT_MISMATCH',
        `input ${index}'s nonWitnessUtxo is not transaction ${txidOf(txInput.hash)}`,
      );
    }
    const spent = previous.outs[txInput.index];
    if (!spent)
      fail('SIGNER_PREVOUT_MISMATCH', `transaction ${txidOf(txInput.hash)} has no output ${txInput.index}`);

    const statedPath = request.inputDerivationPaths[index]!;
    const path = keys.ownPath(statedPath);
    if (!path)
      fail('SIGNER_INPUT_NOT_OURS', `input ${index}'s path ${statedPath} is not a path of our account`);
    if (!sameBytes(spent.script, p2pkhOutputScript(keys.publicKeyAt(path)))) {
      fail(
        'SIGNER_INPUT_NOT_OURS',
        `input ${index} (${outpoint}) is not a P2PKH output of our key at ${statedPath}`,
      );
    }
    return { path, valueKoinu: spent.value };
  });
}

/**
 * Matches every withdrawal to one output paying exactly its amount to its destination; what is
 * left may only be one output paying our own change key. Returns the change output's index.
 */
function checkOutputs(psbt: Psbt, request: SigningRequest, keys: AccountKeys): number | null {
  const outputs: PsbtTxOutput[] = psbt.txOutputs;
  const unmatched = new Set(outputs.keys());
  for (const withdrawal of request.withdrawals) {
    const destination = validateAddress(withdrawal.destinationAddress, keys.network);
    if (!destination.ok) {
      fail(
        'SIGNER_MALFORMED_REQUEST',
        `withdrawal ${withdrawal.withdrawalId}: destination ${destination.code}: ${destination.reason}`,
      );
    }
    const script = outputScriptForAddress(withdrawal.destinationAddress, keys.network);
    const match = [...unmatched].find((index) => {
      const output = outputs[index]!;
      return output.value === withdrawal.amountKoinu && sameBytes(output.script, script);
    });
    if (match === undefined) {
      fail(
        'SIGNER_OUTPUT_MISMATCH',
        `no output pays exactly ${withdrawal.amountKoinu} koinu to ${withdrawal.destinationAddress} (withdrawal ${withdrawal.withdrawalId})`,
      );
    }
    unmatched.delete(match);
  }

  for (const [index, output] of outputs.entries()) {
    if (output.value < HARD_DUST_LIMIT_KOINU) {
      fail(
        'SIGNER_DUST_OUTPUT',
        `output ${index} pays ${output.value} koinu, below the dust limit of ${HARD_DUST_LIMIT_KOINU}`,
      );
    }
  }

  return checkLeftoverChange(psbt, request, keys, unmatched);
}

/** What no withdrawal or cold output took may only be one output paying our own change key; returns its index. */
function checkLeftoverChange(
  psbt: Psbt,
  request: SigningRequest,
  keys: AccountKeys,
  unmatched: ReadonlySet<number>,
): number | null {
  const outputs: PsbtTxOutput[] = psbt.txOutputs;
  const leftovers = [...unmatched];
  if (leftovers.length === 0) return null;
  if (leftovers.length > 1) {
    fail(
      'SIGNER_OUTPUT_MISMATCH',
      `outputs ${leftovers.join(', ')} pay nothing that was requested; at most one change output is allowed`,
    );
  }
  const changeIndex = leftovers[0]!;
  if (request.changeDerivationPath === null) {
    fail(
      'SIGNER_OUTPUT_MISMATCH',
      `output ${changeIndex} pays nothing that was requested and no change path was given`,
    );
  }
  const changePath = keys.ownPath(request.changeDerivationPath);
  if (!changePath || changePath.chain !== 'change') {
    // Change to a receive path would land on a user's deposit address and be credited as a deposit.
    fail(
      'SIGNER_FOREIGN_CHANGE',
      `change path ${request.changeDerivationPath} is not on our account's change chain m/44'/3'/0'/1`,
    );
  }
  if (!sameBytes(outputs[changeIndex]!.script, p2pkhOutputScript(keys.publicKeyAt(changePath)))) {
    fail(
      'SIGNER_FOREIGN_CHANGE',
      `output ${changeIndex} does not pay our change key at ${request.changeDerivationPath}`,
    );
  }
  return changeIndex;
}

function checkCaps(
  request: SigningRequest,
  outflowKoinu: bigint,
  history: SigningHistory,
  policy: SigningPolicy,
): void {
  for (const withdrawal of request.withdrawals) {
    if (withdrawal.amountKoinu > policy.maxWithdrawalKoinu) {
      fail(
        'SIGNER_CAP_EXCEEDED',
        `withdrawal ${withdrawal.withdrawalId} of ${withdrawal.amountKoinu} koinu exceeds the per-withdrawal cap of ${policy.maxWithdrawalKoinu}`,
      );
    }
  }
  if (history.outflowLast24hKoinu + outflowKoinu > policy.dailyCapKoinu) {
    fail(
      'SIGNER_CAP_EXCEEDED',
      `signing ${outflowKoinu} koinu would bring the last 24 hours' outflow to ${history.outflowLast24hKoinu + outflowKoinu}, above the daily cap of ${policy.dailyCapKoinu}`,
    );
  }
}

/**
 * The largest fee policy allows for a signed transaction of `sizeBytes`: the per-byte maximum, plus
 * Dogecoin's soft-dust surcharge (wallets add the soft dust limit to the fee for every output below
 * it, and the saga prices its transactions that way), capped by the absolute maximum.
 */
export function maximumFeeFor(
  sizeBytes: number,
  outputValues: readonly bigint[],
  policy: SigningPolicy,
): bigint {
  const softDustOutputs = BigInt(outputValues.filter((value) => isSoftDust(value)).length);
  const bySize = policy.maxFeeRateKoinuPerByte * BigInt(sizeBytes) + softDustOutputs * SOFT_DUST_LIMIT_KOINU;
  return bySize < policy.maxFeeKoinu ? bySize : policy.maxFeeKoinu;
}

/** The largest fee allowed for a signed transaction of `sizeBytes`, and how that bound reads. */
type FeeBound = (sizeBytes: number, outputValues: readonly bigint[]) => { maximum: bigint; rule: string };

const withdrawalFeeBound =
  (policy: SigningPolicy): FeeBound =>
  (sizeBytes, outputValues) => ({
    maximum: maximumFeeFor(sizeBytes, outputValues, policy),
    rule: `${policy.maxFeeRateKoinuPerByte} koinu per byte, at most ${policy.maxFeeKoinu}`,
  });

/** A bump pays for its whole package: the bumped transaction's bytes count, its own fee does not. */
const bumpFeeBound =
  (policy: SigningPolicy, bumpedSizeBytes: number): FeeBound =>
  (sizeBytes) => {
    const byPackage = policy.maxBumpFeeRateKoinuPerByte * BigInt(bumpedSizeBytes + sizeBytes);
    return {
      maximum: byPackage < policy.maxBumpFeeKoinu ? byPackage : policy.maxBumpFeeKoinu,
      rule: `a bump pays at most ${policy.maxBumpFeeRateKoinuPerByte} koinu per byte of its ${bumpedSizeBytes + sizeBytes}-byte package, at most ${policy.maxBumpFeeKoinu}`,
    };
  };

function checkFee(
  feeKoinu: bigint,
  sizeBytes: number,
  outputValues: readonly bigint[],
  policy: SigningPolicy,
  bound: FeeBound,
): bigint {
  const { maximum, rule } = bound(sizeBytes, outputValues);
  if (feeKoinu > maximum) {
    fail(
      'SIGNER_FEE_TOO_HIGH',
      `fee of ${feeKoinu} koinu for ${sizeBytes} bytes exceeds the allowed ${maximum} (${rule})`,
    );
  }
  const minimum = policy.minFeeRateKoinuPerByte * BigInt(sizeBytes);
  if (feeKoinu < minimum) {
    fail(
      'SIGNER_FEE_TOO_LOW',
      `fee of ${feeKoinu} koinu for ${sizeBytes} bytes is below the relay minimum of ${minimum}`,
    );
  }
  return maximum;
}

function sameWithdrawalSet(left: readonly WithdrawalToPay[], right: readonly WithdrawalToPay[]): boolean {
  const key = (withdrawals: readonly WithdrawalToPay[]): string =>
    withdrawals
      .map((w) => `${w.withdrawalId}\u0000${w.destinationAddress}\u0000${w.amountKoinu}`)
      .sort()
      .join('\u0001');
  return key(left) === key(right);
}

/**
 * A withdrawal id is signed at most once. The same request again (same unsigned transaction, same
 * withdrawals) gets the stored answer; anything else touching a signed withdrawal is refused.
 */
function checkHistory(
  request: SigningRequest,
  unsignedHash: string,
  history: SigningHistory,
): PreviousSigning | undefined {
  if (history.previousSignings.length === 0) return undefined;
  const [previous] = history.previousSignings;
  if (
    history.previousSignings.length === 1 &&
    previous!.unsignedTransactionHash === unsignedHash &&
    sameWithdrawalSet(previous!.withdrawals, request.withdrawals)
  ) {
    return previous;
  }
  const signedIds = history.previousSignings.flatMap((signing) =>
    signing.withdrawals.map((w) => w.withdrawalId),
  );
  const clashing = request.withdrawals.map((w) => w.withdrawalId).filter((id) => signedIds.includes(id));
  return fail(
    'SIGNER_WITHDRAWAL_ALREADY_SIGNED',
    `withdrawal ${clashing.join(', ')} was already signed in transaction ${history.previousSignings.map((s) => s.txid).join(', ')}`,
  );
}

/**
 * Signs every input, asserts the signatures verify, checks the fee on the exact signed size, and
 * extracts the transaction with bitcoinjs-lib's maximumFeeRate set to that same bound, so the
 * library refuses independently whatever our check would refuse.
 */
function signAndExtract(
  psbt: Psbt,
  inputs: OwnInput[],
  keys: AccountKeys,
  feeKoinu: bigint,
  policy: SigningPolicy,
  bound: FeeBound,
): Transaction {
  inputs.forEach((input, index) => psbt.signInput(index, keys.signerAt(input.path)));
  // A signature that does not verify is a bug, not a refusal: stop loudly.
  if (!psbt.validateSignaturesOfAllInputs(verifyEcdsaSignature)) {
    throw new Error('signer produced a signature that does not verify');
  }
  psbt.finalizeAllInputs();
  const sizeBytes = psbt.extractTransaction(true).byteLength();
  const outputValues = psbt.txOutputs.map((output) => output.value);
  const maximumRate = checkFee(feeKoinu, sizeBytes, outputValues, policy, bound) / BigInt(sizeBytes);
  psbt.setMaximumFeeRate(Number(maximumRate) + 1);
  try {
    return psbt.extractTransaction();
  } catch (error) {
    return fail('SIGNER_FEE_TOO_HIGH', error instanceof Error ? error.message : 'fee rate above the maximum');
  }
}

/** Runs a decision, turning a policy refusal into a `refused` decision; anything else is a bug and throws. */
function refusalsAsDecision(decide: () => SigningDecision): SigningDecision {
  try {
    return decide();
  } catch (error) {
    if (error instanceof Refused) return { kind: 'refused', refusal: error.refusal };
    throw error;
  }
}

/**
 * An earlier signing that stands for this request: the same unsigned transaction again is answered
 * from the log (replayed); any other transaction is refused with `refusal`. Undefined: sign anew.
 */
function sameOrRefused(
  previous: PreviousSigning | undefined,
  unsignedHash: string,
  refusal: (previous: PreviousSigning) => [SigningRefusal['code'], string],
): SigningDecision | undefined {
  if (!previous) return undefined;
  if (previous.unsignedTransactionHash === unsignedHash) return { kind: 'replayed', transaction: previous };
  return fail(...refusal(previous));
}

/** Inputs minus outputs: not negative, at most the absolute maximum. */
function feeOf(inputs: readonly OwnInput[], psbt: Psbt, policy: SigningPolicy): bigint {
  const inputTotal = inputs.reduce((sum, input) => sum + input.valueKoinu, 0n);
  const outputTotal = psbt.txOutputs.reduce((sum, output) => sum + output.value, 0n);
  const feeKoinu = inputTotal - outputTotal;
  if (feeKoinu < 0n)
    fail('SIGNER_MALFORMED_REQUEST', `outputs (${outputTotal} koinu) exceed inputs (${inputTotal} koinu)`);
  if (feeKoinu > policy.maxFeeKoinu)
    fail('SIGNER_FEE_TOO_HIGH', `fee of ${feeKoinu} koinu exceeds the maximum of ${policy.maxFeeKoinu}`);
  return feeKoinu;
}

/** The signed answer: the transaction as extracted, with what the signing log records about it. */
function signedDecision(
  unsignedTransactionHash: string,
  transaction: Transaction,
  facts: Omit<SignedTransaction, 'unsignedTransactionHash' | 'txid' | 'rawTransactionHex' | 'sizeBytes'>,
): SigningDecision {
  return {
    kind: 'signed',
    transaction: {
      unsignedTransactionHash,
      txid: transaction.getId(),
      rawTransactionHex: transaction.toHex(),
      sizeBytes: transaction.byteLength(),
      ...facts,
    },
  };
}

export function decideSigning(
  request: SigningRequest,
  keys: AccountKeys,
  history: SigningHistory,
  policy: SigningPolicy,
): SigningDecision {
  return refusalsAsDecision(() => {
    switch (request.purpose) {
      case 'FEE_BUMP':
        return decideBump(request, keys, history, policy);
      case 'SWEEP':
        return decideSweep(request, keys, history, policy);
      case 'WITHDRAWALS':
        return decideWithdrawals(request, keys, history, policy);
      default: {
        const unreachable: never = request.purpose;
        throw new Error(`unknown purpose ${String(unreachable)}`);
      }
    }
  });
}

/** Withdrawals: every rule of docs/signer.md, "Signing". */
function decideWithdrawals(
  request: SigningRequest,
  keys: AccountKeys,
  history: SigningHistory,
  policy: SigningPolicy,
): SigningDecision {
  const psbt = decodePsbt(request, keys, policy);
  const unsignedHash = unsignedTransactionHash(psbt);
  const replay = checkHistory(request, unsignedHash, history);
  if (replay) return { kind: 'replayed', transaction: replay };

  checkTransactionShape(psbt, request);
  const inputs = checkInputs(psbt, request, keys);
  const changeOutputIndex = checkOutputs(psbt, request, keys);
  const feeKoinu = feeOf(inputs, psbt, policy);
  const withdrawnKoinu = request.withdrawals.reduce((sum, w) => sum + w.amountKoinu, 0n);
  const outflowKoinu = withdrawnKoinu + feeKoinu;
  checkCaps(request, outflowKoinu, history, policy);

  const transaction = signAndExtract(psbt, inputs, keys, feeKoinu, policy, withdrawalFeeBound(policy));
  // Money is conserved: what went in is what comes out plus the fee.
  const inputTotal = inputs.reduce((sum, input) => sum + input.valueKoinu, 0n);
  const signedOutputTotal = transaction.outs.reduce((sum, output) => sum + output.value, 0n);
  if (signedOutputTotal + feeKoinu !== inputTotal)
    throw new Error('signed transaction does not conserve value');
  return signedDecision(unsignedHash, transaction, {
    feeKoinu,
    outflowKoinu,
    changeOutputIndex,
    withdrawals: request.withdrawals,
    purpose: 'WITHDRAWALS',
    bumpedTxid: null,
  });
}

/**
 * A child-pays-for-parent bump, and nothing else: one input spending an output of `bumpedTxid` that
 * pays our change key, one output paying our change key at the stated change path, no withdrawal, a
 * fee within the bump policy for the whole package, and each transaction bumped at most once (the same
 * request again gets the stored answer). No money leaves the platform but the fee, which counts toward
 * the daily cap.
 */
function decideBump(
  request: SigningRequest,
  keys: AccountKeys,
  history: SigningHistory,
  policy: SigningPolicy,
): SigningDecision {
  const psbt = decodePsbt(request, keys, policy);
  const unsignedHash = unsignedTransactionHash(psbt);
  const replay = sameOrRefused(history.previousBump, unsignedHash, (previous) => [
    'SIGNER_ALREADY_BUMPED',
    `transaction ${request.bumpedTxid} was already bumped by ${previous.txid}`,
  ]);
  if (replay) return replay;
  checkTransactionShape(psbt, request);
  if (psbt.inputCount !== 1 || psbt.txOutputs.length !== 1)
    fail(
      'SIGNER_BUMP_NOT_ALLOWED',
      `a bump has exactly one input and one output, not ${psbt.inputCount} and ${psbt.txOutputs.length}`,
    );
  const [input] = checkInputs(psbt, request, keys);
  if (input!.path.chain !== 'change')
    fail('SIGNER_BUMP_NOT_ALLOWED', `a bump spends our change, not ${request.inputDerivationPaths[0]}`);
  const spentTxid = txidOf(psbt.txInputs[0]!.hash);
  if (spentTxid !== request.bumpedTxid)
    fail('SIGNER_BUMP_NOT_ALLOWED', `the bump spends ${spentTxid}, not the bumped ${request.bumpedTxid}`);
  const changeOutputIndex = checkOutputs(psbt, request, keys);
  const outputKoinu = psbt.txOutputs[0]!.value;
  const feeKoinu = input!.valueKoinu - outputKoinu;
  if (feeKoinu <= 0n)
    fail('SIGNER_MALFORMED_REQUEST', `a bump pays a fee: its output (${outputKoinu}) is not below its input`);
  const bumpedSizeBytes = psbt.data.inputs[0]!.nonWitnessUtxo!.length;
  checkCaps(request, feeKoinu, history, policy);
  const transaction = signAndExtract(
    psbt,
    [input!],
    keys,
    feeKoinu,
    policy,
    bumpFeeBound(policy, bumpedSizeBytes),
  );
  return signedDecision(unsignedHash, transaction, {
    feeKoinu,
    outflowKoinu: feeKoinu,
    changeOutputIndex,
    withdrawals: [],
    purpose: 'FEE_BUMP',
    bumpedTxid: request.bumpedTxid,
  });
}

/**
 * A sweep to cold storage: our inputs, one output per named cold index paying exactly the cold
 * account's receive address there (derived here from the configured cold xpub, never taken from the
 * request), at most one change output to our change key, an ordinary fee. Only the fee leaves the
 * platform, so only the fee counts toward the daily cap. The same request again gets the stored answer.
 */
function decideSweep(
  request: SigningRequest,
  keys: AccountKeys,
  history: SigningHistory,
  policy: SigningPolicy,
): SigningDecision {
  const psbt = decodePsbt(request, keys, policy);
  const unsignedHash = unsignedTransactionHash(psbt);
  const replay = sameOrRefused(history.previousOfRequest, unsignedHash, () => [
    'SIGNER_MALFORMED_REQUEST',
    `request ${request.requestId} was signed before for another transaction`,
  ]);
  if (replay) return replay;
  const cold = policy.coldAccount;
  if (cold === null) fail('SIGNER_SWEEP_NOT_COLD', 'no cold account is configured: sweeps are refused');
  checkTransactionShape(psbt, request);
  const inputs = checkInputs(psbt, request, keys);
  const outputs = psbt.txOutputs;
  const unmatched = new Set(outputs.keys());
  for (const index of request.coldAddressIndexes) {
    const script = cold.scriptAt(index);
    const match = [...unmatched].find((position) => sameBytes(outputs[position]!.script, script));
    if (match === undefined)
      fail('SIGNER_SWEEP_NOT_COLD', `no output pays the cold account's receive address ${index}`);
    unmatched.delete(match);
  }
  for (const [index, output] of outputs.entries()) {
    if (output.value < HARD_DUST_LIMIT_KOINU)
      fail(
        'SIGNER_DUST_OUTPUT',
        `output ${index} pays ${output.value} koinu, below the dust limit of ${HARD_DUST_LIMIT_KOINU}`,
      );
  }
  if (unmatched.size > 1)
    fail(
      'SIGNER_SWEEP_NOT_COLD',
      `outputs ${[...unmatched].join(', ')} pay neither a cold address nor our change: a sweep pays only those`,
    );
  const changeOutputIndex = checkLeftoverChange(psbt, request, keys, unmatched);
  const feeKoinu = feeOf(inputs, psbt, policy);
  checkCaps(request, feeKoinu, history, policy);
  const transaction = signAndExtract(psbt, inputs, keys, feeKoinu, policy, withdrawalFeeBound(policy));
  return signedDecision(unsignedHash, transaction, {
    feeKoinu,
    outflowKoinu: feeKoinu,
    changeOutputIndex,
    withdrawals: [],
    purpose: 'SWEEP',
    bumpedTxid: null,
  });
}
