/**
 * Cross-checks a transaction's raw bytes against the node's JSON for it. The raw hex is what the
 * deposit.confirmed event hands to the withdrawal side for signing, and its outputs' 8-byte values
 * are the ground truth for amounts: the hex must hash to the txid, and every output the watcher
 * credits must have the same value and script in the bytes as in the JSON.
 */
import { Transaction } from 'bitcoinjs-lib';
import { RpcMalformedAnswerError } from '@dbay/chain-rpc';

export interface OutputClaim {
  vout: number;
  valueKoinu: bigint;
  scriptPubKeyHex: string;
}

export function checkRawTransaction(
  method: string,
  txid: string,
  hex: string,
  claims: readonly OutputClaim[],
): void {
  let transaction: Transaction;
  try {
    transaction = Transaction.fromHex(hex);
  } catch (error) {
    throw new RpcMalformedAnswerError(method, `transaction ${txid} hex does not parse: ${String(error)}`);
  }
  if (transaction.getId() !== txid) {
    throw new RpcMalformedAnswerError(
      method,
      `transaction hex hashes to ${transaction.getId()}, not ${txid}`,
    );
  }
  for (const claim of claims) {
    const output = transaction.outs[claim.vout];
    if (output === undefined)
      throw new RpcMalformedAnswerError(method, `${txid} has no output ${claim.vout}`);
    const scriptHex = Buffer.from(output.script).toString('hex');
    if (output.value !== claim.valueKoinu || scriptHex !== claim.scriptPubKeyHex) {
      throw new RpcMalformedAnswerError(
        method,
        `${txid}:${claim.vout} is ${output.value} koinu to ${scriptHex} in the raw bytes but ` +
          `${claim.valueKoinu} koinu to ${claim.scriptPubKeyHex} in the JSON`,
      );
    }
  }
}
