/**
 * The faucet: a key the simulator mines its own coinbases to (P2PK, as a wallet's `generate` does) and
 * pays from with ordinary signed transactions that go through the same mempool acceptance as anyone's
 * sendrawtransaction. It pays the recommended 0.01 DOGE/kB so its transactions are mined by fee rate.
 */
import { crypto, script as bscript, Transaction } from 'bitcoinjs-lib';
import {
  COINBASE_MATURITY,
  MAX_TX_FEE,
  RECOMMENDED_MIN_TX_FEE_PER_KB,
  SOFT_DUST_LIMIT,
} from './consensus.js';
import type { RegtestNode } from './node.js';
import { feeForSize } from './accept.js';

export interface Payment {
  script: Uint8Array;
  value: bigint;
}

export class FaucetError extends Error {
  constructor(
    readonly code: 'REGTEST_FAUCET_INSUFFICIENT_FUNDS' | 'REGTEST_FAUCET_REJECTED',
    message: string,
  ) {
    super(message);
    this.name = 'FaucetError';
  }
}

interface Spendable {
  txid: string;
  vout: number;
  value: bigint;
  script: Uint8Array;
  confirmed: boolean;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

export function faucetP2pkhScript(node: RegtestNode): Uint8Array {
  const hash = crypto.hash160(node.faucet.publicKey);
  return Uint8Array.from([0x76, 0xa9, 0x14, ...hash, 0x88, 0xac]);
}

/** Mature chain coins first (largest first), then unconfirmed faucet change from the mempool. */
function spendableCoins(node: RegtestNode): Spendable[] {
  const mine = new Set([hex(node.faucetP2pkScript()), hex(faucetP2pkhScript(node))]);
  const spendHeight = node.chain.height + 1;
  const coins: Spendable[] = [];
  for (const [txid, record] of node.chain.utxo.entries()) {
    if (record.coinbase && spendHeight - record.height < COINBASE_MATURITY) continue;
    record.outputs.forEach((coin, vout) => {
      if (coin && mine.has(hex(coin.script)) && !node.mempool.spender(txid, vout)) {
        coins.push({ txid, vout, value: coin.value, script: coin.script, confirmed: true });
      }
    });
  }
  for (const entry of node.mempool.all()) {
    entry.tx.outs.forEach((out, vout) => {
      if (mine.has(hex(out.script)) && !node.mempool.spender(entry.txid, vout)) {
        coins.push({ txid: entry.txid, vout, value: out.value, script: out.script, confirmed: false });
      }
    });
  }
  return coins.sort((a, b) =>
    a.confirmed !== b.confirmed
      ? a.confirmed
        ? -1
        : 1
      : a.value === b.value
        ? 0
        : a.value > b.value
          ? -1
          : 1,
  );
}

function signedTransaction(node: RegtestNode, inputs: Spendable[], outputs: Payment[]): Transaction {
  const tx = new Transaction();
  tx.version = 1;
  for (const input of inputs) tx.addInput(Buffer.from(input.txid, 'hex').reverse(), input.vout);
  for (const output of outputs) tx.addOutput(output.script, output.value);
  inputs.forEach((input, i) => {
    const sighash = tx.hashForSignature(i, input.script, Transaction.SIGHASH_ALL);
    const signature = bscript.signature.encode(node.faucet.sign(sighash), Transaction.SIGHASH_ALL);
    const isP2pk = input.script.length === node.faucet.publicKey.length + 2;
    tx.setInputScript(i, bscript.compile(isP2pk ? [signature] : [signature, node.faucet.publicKey]));
  });
  return tx;
}

/** Pay the outputs from the faucet and submit the transaction to the node's own mempool. */
export function fund(node: RegtestNode, payments: Payment[]): Transaction {
  const wanted = payments.reduce((sum, p) => sum + p.value, 0n);
  const candidates = spendableCoins(node);
  const change = faucetP2pkhScript(node);
  let fee = 0n;
  for (let attempt = 0; attempt < 4; attempt++) {
    const inputs: Spendable[] = [];
    let total = 0n;
    for (const coin of candidates) {
      if (total >= wanted + fee) break;
      inputs.push(coin);
      total += coin.value;
    }
    if (total < wanted + fee) {
      throw new FaucetError(
        'REGTEST_FAUCET_INSUFFICIENT_FUNDS',
        `the faucet has ${total} koinu spendable but needs ${wanted + fee}; mine more blocks to it`,
      );
    }
    const remainder = total - wanted - fee;
    // Change below the soft dust limit would cost more in dust fee than it is worth: give it to the miner.
    const outputs =
      remainder >= SOFT_DUST_LIMIT ? [...payments, { script: change, value: remainder }] : payments;
    const tx = signedTransaction(node, inputs, outputs);
    const needed = feeForSize(RECOMMENDED_MIN_TX_FEE_PER_KB, tx.virtualSize());
    if (fee >= needed) return submit(node, tx);
    fee = needed + 2n * (RECOMMENDED_MIN_TX_FEE_PER_KB / 1000n);
  }
  throw new Error('bug: faucet fee did not converge');
}

function submit(node: RegtestNode, tx: Transaction): Transaction {
  const result = node.accept(tx, { absurdFee: MAX_TX_FEE });
  switch (result.kind) {
    case 'accepted':
      return tx;
    case 'missing-inputs':
      throw new FaucetError('REGTEST_FAUCET_REJECTED', 'Missing inputs');
    case 'rejected':
      throw new FaucetError('REGTEST_FAUCET_REJECTED', `${result.code}: ${result.reason}`);
    default: {
      const unreachable: never = result;
      throw new Error(`unknown acceptance result ${String(unreachable)}`);
    }
  }
}
