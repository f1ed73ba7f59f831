/**
 * Builds the unsigned PSBT of a batch for the signer. Dogecoin has no SegWit, so every input carries
 * its full previous transaction (nonWitnessUtxo): that is what lets the signer check the amount it
 * signs for. Change goes to m/44'/3'/0'/1/N, derived here from the account public key.
 */
import { Psbt, type Network } from 'bitcoinjs-lib';
import type { BIP32Interface } from 'bip32';
import { deriveAddress, outputScriptForAddress } from '@dbay/dogecoin';

export interface PsbtInput {
  txid: string;
  vout: number;
  previousTransactionHex: string;
}

export interface PsbtOutput {
  scriptHex: string;
  amountKoinu: bigint;
}

export function buildUnsignedPsbt(
  inputs: readonly PsbtInput[],
  outputs: readonly PsbtOutput[],
  network: Network,
): string {
  const psbt = new Psbt({ network });
  for (const input of inputs) {
    psbt.addInput({
      hash: input.txid,
      index: input.vout,
      nonWitnessUtxo: Buffer.from(input.previousTransactionHex, 'hex'),
    });
  }
  for (const output of outputs) {
    psbt.addOutput({ script: Buffer.from(output.scriptHex, 'hex'), value: output.amountKoinu });
  }
  return psbt.toBase64();
}

export interface ChangeDestination {
  address: string;
  derivationPath: string;
  scriptHex: string;
}

export function changeDestination(
  accountKey: BIP32Interface,
  index: number,
  network: Network,
): ChangeDestination {
  const derived = deriveAddress(accountKey, 'change', index, network);
  return {
    address: derived.address,
    derivationPath: derived.path,
    scriptHex: scriptHexForAddress(derived.address, network),
  };
}

export function scriptHexForAddress(address: string, network: Network): string {
  return Buffer.from(outputScriptForAddress(address, network)).toString('hex');
}
