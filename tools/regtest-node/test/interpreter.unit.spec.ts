/**
 * Proves the simulator parses signatures the way Core's CPubKey::Verify does (src/pubkey.cpp,
 * ecdsa_signature_parse_der_lax): every strict DER signature reads as the same r and s, BER-style
 * variants a consensus-only check must still accept read the same too, and what Core's parser refuses
 * or cannot verify (bad tags, lengths past the end, r or s zero or not below the group order) is refused.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { script as bscript } from 'bitcoinjs-lib';
import * as ecc from 'tiny-secp256k1';
import { parseDerLax } from '../src/interpreter.js';

const hex = (bytes: Uint8Array | null): string | null => (bytes ? Buffer.from(bytes).toString('hex') : null);
const ORDER = 'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141';
const R = '11'.repeat(32);
const S = '22'.repeat(32);
const der = (...parts: string[]): Uint8Array => Buffer.from(parts.join(''), 'hex');

describe('ecdsa_signature_parse_der_lax', () => {
  it('reads every strict DER signature as the r and s it encodes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (secret, hash) => {
          fc.pre(ecc.isPrivate(secret));
          const compact = ecc.sign(hash, secret);
          const strict = bscript.signature.encode(Buffer.from(compact), 0x01).subarray(0, -1);
          expect(hex(parseDerLax(strict))).to.equal(hex(compact));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('accepts the BER variants Core accepts without DERSIG: long-form lengths, extra zeros, trailing bytes', () => {
    const expected = R + S;
    const vectors: Record<string, Uint8Array> = {
      strict: der('3044', '0220', R, '0220', S),
      'long-form sequence length': der('308144', '0220', R, '0220', S),
      'long-form R length with leading zero length bytes': der('3046', '02820020', R, '0220', S),
      'zero-padded R and S': der('3048', '022200', '00', R, '022200', '00', S),
      'wrong sequence length': der('3000', '0220', R, '0220', S),
      'bytes after S': der('3044', '0220', R, '0220', S, 'deadbeef'),
    };
    for (const [name, encoded] of Object.entries(vectors))
      expect(hex(parseDerLax(encoded)), name).to.equal(expected);
  });

  it('refuses what Core cannot parse or verify', () => {
    const vectors: Record<string, Uint8Array> = {
      empty: der(''),
      'not a sequence': der('3144', '0220', R, '0220', S),
      'R tag missing': der('3044', '0320', R, '0220', S),
      'S past the end': der('3044', '0220', R, '0221', S),
      'long-form length past the end': der('3044', '0284'),
      'R of 33 significant bytes': der('3045', '0221', '01', R, '0220', S),
      'R equal to the group order': der('3044', '0220', ORDER, '0220', S),
      'S zero': der('3025', '0220', R, '0201', '00'),
    };
    for (const [name, encoded] of Object.entries(vectors)) expect(parseDerLax(encoded), name).to.equal(null);
  });
});
