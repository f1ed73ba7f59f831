/**
 * Which outputs pay a watched address. Deposit addresses are legacy P2PKH (m/44'/3'/0'/0/N), so an
 * output is a deposit only when its script is exactly OP_DUP OP_HASH160 <20 bytes> OP_EQUALVERIFY
 * OP_CHECKSIG and the 20-byte hash belongs to a watched address. Everything else is skipped without
 * failing: coinbase P2PK outputs (Core 1.14 shows them with the key's P2PKH address, but our signer
 * could not spend them as P2PKH), OP_RETURN, P2SH, multisig and nonstandard scripts. Zero-value
 * outputs carry no money and are skipped too.
 */
import type { ChainTransaction } from './chain.js';

export interface WatchedAddress {
  address: string;
  /** HASH160 of the public key, 40 lower-case hex digits: what a P2PKH script pays. */
  pubkeyHash: string;
  userId: string;
  derivationPath: string;
}

/** A P2PKH output with a positive value: a payment that could be a deposit. */
export interface P2pkhPayment {
  txid: string;
  vout: number;
  pubkeyHash: string;
  amountKoinu: bigint;
}

export interface MatchedPayment extends P2pkhPayment {
  watched: WatchedAddress;
}

/** OP_DUP OP_HASH160 push-20 ... OP_EQUALVERIFY OP_CHECKSIG around the 20-byte hash. */
const P2PKH_PREFIX = '76a914';
const P2PKH_SUFFIX = '88ac';
const HASH160_HEX = /^[0-9a-f]{40}$/;
/** A P2PKH script is 25 bytes: 50 hex digits. Checking the length first keeps the scan cheap. */
const P2PKH_SCRIPT_HEX_LENGTH = 50;

/**
 * The public key hash a P2PKH script pays, or undefined for any other script. Called for every output
 * of every block scanned, so it tests the script's fixed parts before cutting the hash out (no match
 * array per output).
 */
export function p2pkhHashOfScriptHex(scriptHex: string): string | undefined {
  const hash = p2pkhShapedHash(scriptHex);
  return hash !== undefined && HASH160_HEX.test(hash) ? hash : undefined;
}

/** The 40 characters where a P2PKH script's hash sits, if the script has P2PKH's fixed parts; not checked as hex. */
function p2pkhShapedHash(scriptHex: string): string | undefined {
  if (
    scriptHex.length !== P2PKH_SCRIPT_HEX_LENGTH ||
    !scriptHex.startsWith(P2PKH_PREFIX) ||
    !scriptHex.endsWith(P2PKH_SUFFIX)
  )
    return undefined;
  return scriptHex.substring(P2PKH_PREFIX.length, P2PKH_SCRIPT_HEX_LENGTH - P2PKH_SUFFIX.length);
}

/**
 * Every positive-value P2PKH output of the transactions, in block order; with `keep`, only those whose
 * hash it keeps (the scanner's in-memory watched set), so that a full block's thousands of payments to
 * strangers are never built as objects.
 */
export function p2pkhPayments(
  transactions: readonly ChainTransaction[],
  keep?: (pubkeyHash: string) => boolean,
): P2pkhPayment[] {
  const payments: P2pkhPayment[] = [];
  for (const transaction of transactions) {
    for (const output of transaction.outputs) {
      if (output.valueKoinu <= 0n) continue;
      // `keep` first: it turns nearly every output of a full block away, cheaper than the hex check.
      const pubkeyHash = p2pkhShapedHash(output.scriptPubKeyHex);
      if (pubkeyHash === undefined || (keep !== undefined && !keep(pubkeyHash))) continue;
      if (!HASH160_HEX.test(pubkeyHash)) continue;
      payments.push({
        txid: transaction.txid,
        vout: output.vout,
        pubkeyHash,
        amountKoinu: output.valueKoinu,
      });
    }
  }
  return payments;
}

/** The distinct public key hashes paid, for one lookup of the watched addresses. */
export function distinctPubkeyHashes(payments: readonly P2pkhPayment[]): string[] {
  return [...new Set(payments.map((payment) => payment.pubkeyHash))];
}

/** The payments to watched addresses; payments to unknown addresses are ignored. */
export function matchPayments(
  payments: readonly P2pkhPayment[],
  watchedByPubkeyHash: ReadonlyMap<string, WatchedAddress>,
): MatchedPayment[] {
  const matched: MatchedPayment[] = [];
  for (const payment of payments) {
    const watched = watchedByPubkeyHash.get(payment.pubkeyHash);
    if (watched !== undefined) matched.push({ ...payment, watched });
  }
  return matched;
}
