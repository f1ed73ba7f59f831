/**
 * Checks the signer's answer against what the saga asked it to sign, before anything is stored or
 * broadcast. The signer is trusted to sign, not to decide: the signed transaction must spend exactly
 * the reserved coins and pay exactly the planned outputs, and its real size must be covered by the
 * fee at the recommended rate (the plan priced the largest possible size, so this only fails on a bug).
 */
import { Transaction } from 'bitcoinjs-lib';
import { feeForSize } from '@dbay/dogecoin';

export interface PlannedTransaction {
  inputs: readonly { txid: string; vout: number }[];
  outputs: readonly { scriptHex: string; amountKoinu: bigint }[];
  feeKoinu: bigint;
  estimatedSizeBytes: number;
  feeRateKoinuPerKb: bigint;
}

export type SignedCheck =
  | { ok: true; txid: string; sizeBytes: number }
  | {
      ok: false;
      code:
        | 'WITHDRAWAL_SIGNED_TX_MALFORMED'
        | 'WITHDRAWAL_SIGNED_TX_MISMATCH'
        | 'WITHDRAWAL_SIGNED_TX_UNDERPRICED';
      reason: string;
    };

function bytesToHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** The txid of an input's previous output as it is displayed (byte-reversed hash). */
function previousTxid(hash: Uint8Array): string {
  return Buffer.from(hash).reverse().toString('hex');
}

export function checkSignedTransaction(
  rawHex: string,
  expectedTxid: string | null,
  plan: PlannedTransaction,
): SignedCheck {
  let tx: Transaction;
  try {
    tx = Transaction.fromHex(rawHex);
  } catch (error) {
    return {
      ok: false,
      code: 'WITHDRAWAL_SIGNED_TX_MALFORMED',
      reason: `raw transaction does not parse: ${String(error)}`,
    };
  }
  const txid = tx.getId();
  if (expectedTxid !== null && expectedTxid !== txid) {
    return {
      ok: false,
      code: 'WITHDRAWAL_SIGNED_TX_MISMATCH',
      reason: `txid ${expectedTxid} does not match the raw transaction (${txid})`,
    };
  }
  const inputsMatch =
    tx.ins.length === plan.inputs.length &&
    tx.ins.every(
      (input, index) =>
        previousTxid(input.hash) === plan.inputs[index]!.txid && input.index === plan.inputs[index]!.vout,
    );
  if (!inputsMatch)
    return {
      ok: false,
      code: 'WITHDRAWAL_SIGNED_TX_MISMATCH',
      reason: 'signed inputs differ from the reserved coins',
    };
  if (tx.ins.some((input) => input.script.length === 0)) {
    return { ok: false, code: 'WITHDRAWAL_SIGNED_TX_MALFORMED', reason: 'an input has no signature script' };
  }
  const outputsMatch =
    tx.outs.length === plan.outputs.length &&
    tx.outs.every(
      (output, index) =>
        bytesToHex(output.script) === plan.outputs[index]!.scriptHex &&
        output.value === plan.outputs[index]!.amountKoinu,
    );
  if (!outputsMatch)
    return {
      ok: false,
      code: 'WITHDRAWAL_SIGNED_TX_MISMATCH',
      reason: 'signed outputs differ from the planned payments and change',
    };
  const sizeBytes = tx.byteLength();
  const minimumFee = feeForSize(sizeBytes, plan.feeRateKoinuPerKb);
  if (sizeBytes > plan.estimatedSizeBytes || plan.feeKoinu < minimumFee) {
    return {
      ok: false,
      code: 'WITHDRAWAL_SIGNED_TX_UNDERPRICED',
      reason: `signed size ${sizeBytes} B needs ${minimumFee} koinu; planned ${plan.estimatedSizeBytes} B for ${plan.feeKoinu} koinu`,
    };
  }
  return { ok: true, txid, sizeBytes };
}
