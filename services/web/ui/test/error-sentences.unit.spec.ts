// Proves that every code the wallet's and the order service's error tables (and the platform's HTTP
// layer) can answer with has a sentence on the pages, and that an unknown code still reads as a sentence
// naming it. The tables are read as text: the lint forbids importing a service from another one.
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { ERROR_SENTENCES, errorSentence } from '../src/lib/error-sentences.js';

const ROOT = new URL('../../../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, ROOT), 'utf8');

/** The keys of `export const ERROR_STATUS ... = { CODE: 400, ... };`. */
function errorTableCodes(path: string): string[] {
  const source = read(path);
  const table = /export const ERROR_STATUS[^=]*=\s*\{([\s\S]*?)\n\};/.exec(source);
  if (!table) throw new Error(`${path} has no ERROR_STATUS table`);
  return [...table[1]!.matchAll(/^\s+([A-Z][A-Z0-9_]+):\s*\d{3},/gm)].map((match) => match[1]!);
}

describe('error sentences', () => {
  const wallet = errorTableCodes('services/wallet/src/entrypoints/http/error-table.ts');
  const order = errorTableCodes('services/order/src/entrypoints/http/error-table.ts');
  const platform = [
    ...read('packages/platform/src/http.ts').matchAll(/'((?:REQUEST|ROUTE|INTERNAL)_[A-Z_]+)'/g),
  ].map((match) => match[1]!);
  const withdrawalFailures = [
    ...read('docs/withdrawal-saga.md').matchAll(
      /\b(WITHDRAWAL_(?:REJECTED|SIGNER|DROPPED|AMOUNT|ADDRESS)_[A-Z_]+)/g,
    ),
  ].map((match) => match[1]!);

  it('finds the tables it checks', () => {
    expect(wallet).to.include('WALLET_INSUFFICIENT_FUNDS');
    expect(wallet.length).to.be.greaterThan(30);
    expect(order).to.include('AUCTION_BID_TOO_LOW');
    expect(order.length).to.be.greaterThan(40);
    expect(platform).to.include('REQUEST_MALFORMED_JSON');
    expect(withdrawalFailures).to.include('WITHDRAWAL_REJECTED_IN_REVIEW');
  });

  it('has a sentence for every code', () => {
    const missing = [...new Set([...wallet, ...order, ...platform, ...withdrawalFailures])].filter(
      (code) => !(code in ERROR_SENTENCES),
    );
    expect(missing, `codes without a sentence: ${missing.join(', ')}`).to.deep.equal([]);
  });

  it('writes each as a sentence, never as a code or JSON', () => {
    for (const [code, sentence] of Object.entries(ERROR_SENTENCES)) {
      expect(sentence, code).to.match(/^[A-Z].*[.!?]$/);
      expect(sentence, code).not.to.match(/[{}]|[A-Z]{3,}_[A-Z]/);
    }
  });

  it('still gives a sentence for a code it does not know, naming the code', () => {
    expect(errorSentence('SOMETHING_NEW')).to.match(/^Something went wrong \(code SOMETHING_NEW\)\..*\.$/);
  });
});
