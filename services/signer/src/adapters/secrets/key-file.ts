/**
 * The local key file: the 64-byte BIP39 seed encrypted with AES-256-GCM under a key derived from a
 * passphrase with scrypt (Node's crypto, standard parameters). The JSON header (network, account
 * xpub, KDF parameters, IV) is bound to the ciphertext as GCM additional data, so editing the header
 * fails decryption exactly like a wrong passphrase does.
 *
 * The seed, not the mnemonic, is stored: the mnemonic is the offline backup and is shown once.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { isNetworkName, type NetworkName } from '@dbay/dogecoin';
import { SecretError } from './secret-error.js';

export const KEY_FILE_FORMAT = 'dbay-signer-key-file';
export const KEY_FILE_VERSION = 1;
export const MIN_PASSPHRASE_LENGTH = 12;

/** scrypt cost for new files: N = 2^17, r = 8, p = 1 (128 MiB, a few hundred ms; OWASP's minimum is 2^17). */
export const DEFAULT_SCRYPT = { N: 2 ** 17, r: 8, p: 1 } as const;
/** Bounds accepted when reading, so a crafted file cannot make us allocate gigabytes. */
const SCRYPT_LOG2_N_RANGE = { min: 14, max: 20 };
const SCRYPT_MAX_MEMORY_BYTES = 512 * 1024 * 1024;
const KEY_BYTES = 32;
const IV_BYTES = 12;
const SALT_BYTES = 32;
const TAG_BYTES = 16;
const SEED_BYTES = 64;

export interface ScryptParameters {
  N: number;
  r: number;
  p: number;
}

const keyFileSchema = z.object({
  format: z.literal(KEY_FILE_FORMAT),
  version: z.literal(KEY_FILE_VERSION),
  network: z.string().refine(isNetworkName, 'unknown network'),
  accountXpub: z.string().min(1).max(200),
  createdAt: z.string(),
  kdf: z.object({
    name: z.literal('scrypt'),
    N: z
      .number()
      .int()
      .refine(
        (n) =>
          Number.isInteger(Math.log2(n)) &&
          Math.log2(n) >= SCRYPT_LOG2_N_RANGE.min &&
          Math.log2(n) <= SCRYPT_LOG2_N_RANGE.max,
      ),
    r: z.number().int().min(1).max(32),
    p: z.number().int().min(1).max(16),
    saltBase64: z.string(),
  }),
  cipher: z.object({ name: z.literal('aes-256-gcm'), ivBase64: z.string(), tagBase64: z.string() }),
  ciphertextBase64: z.string(),
});

export type KeyFile = z.infer<typeof keyFileSchema>;

export function checkPassphrase(passphrase: string): string {
  const normalized = passphrase.normalize('NFKC');
  if (normalized.length < MIN_PASSPHRASE_LENGTH) {
    throw new SecretError(
      'SIGNER_PASSPHRASE_TOO_SHORT',
      `the key file passphrase must have at least ${MIN_PASSPHRASE_LENGTH} characters`,
    );
  }
  return normalized;
}

function deriveKey(passphrase: string, salt: Uint8Array, params: ScryptParameters): Buffer {
  return scryptSync(passphrase.normalize('NFKC'), salt, KEY_BYTES, {
    ...params,
    maxmem: SCRYPT_MAX_MEMORY_BYTES,
  });
}

/** The header fields, in a fixed order, that GCM authenticates along with the ciphertext. */
function additionalData(
  file: Omit<KeyFile, 'ciphertextBase64' | 'cipher'> & { cipher: { ivBase64: string } },
): Buffer {
  const { format, version, network, accountXpub, createdAt, kdf, cipher } = file;
  return Buffer.from(
    JSON.stringify([
      format,
      version,
      network,
      accountXpub,
      createdAt,
      kdf.N,
      kdf.r,
      kdf.p,
      kdf.saltBase64,
      cipher.ivBase64,
    ]),
  );
}

export interface EncryptOptions {
  network: NetworkName;
  accountXpub: string;
  createdAt: Date;
  scrypt?: ScryptParameters;
}

export function encryptSeed(seed: Uint8Array, passphrase: string, options: EncryptOptions): KeyFile {
  if (seed.length !== SEED_BYTES) throw new Error(`a BIP39 seed has ${SEED_BYTES} bytes`);
  const normalized = checkPassphrase(passphrase);
  const params = options.scrypt ?? DEFAULT_SCRYPT;
  const salt = randomBytes(SALT_BYTES);
  const iv = randomBytes(IV_BYTES);
  const header = {
    format: KEY_FILE_FORMAT,
    version: KEY_FILE_VERSION,
    network: options.network,
    accountXpub: options.accountXpub,
    createdAt: options.createdAt.toISOString(),
    kdf: {
      name: 'scrypt' as const,
      N: params.N,
      r: params.r,
      p: params.p,
      saltBase64: salt.toString('base64'),
    },
  } as const;
  const key = deriveKey(normalized, salt, params);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData({ ...header, cipher: { ivBase64: iv.toString('base64') } }));
  const ciphertext = Buffer.concat([cipher.update(seed), cipher.final()]);
  key.fill(0);
  return {
    ...header,
    cipher: {
      name: 'aes-256-gcm',
      ivBase64: iv.toString('base64'),
      tagBase64: cipher.getAuthTag().toString('base64'),
    },
    ciphertextBase64: ciphertext.toString('base64'),
  };
}

/** Checks the structure of a key file read from disk or from a secret store. */
export function parseKeyFile(value: unknown): KeyFile {
  const parsed = keyFileSchema.safeParse(value);
  if (!parsed.success) {
    throw new SecretError(
      'SIGNER_KEY_FILE_INVALID',
      `not a ${KEY_FILE_FORMAT} v${KEY_FILE_VERSION} document (${parsed.error.issues[0]?.path.join('.') ?? 'shape'})`,
    );
  }
  return parsed.data;
}

export function decryptSeed(file: KeyFile, passphrase: string): Uint8Array {
  const key = deriveKey(passphrase, Buffer.from(file.kdf.saltBase64, 'base64'), file.kdf);
  try {
    const iv = Buffer.from(file.cipher.ivBase64, 'base64');
    const tag = Buffer.from(file.cipher.tagBase64, 'base64');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES)
      throw new SecretError('SIGNER_KEY_FILE_INVALID', 'key file IV or tag has the wrong size');
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(additionalData(file));
    decipher.setAuthTag(tag);
    let seed: Buffer;
    try {
      seed = Buffer.concat([decipher.update(Buffer.from(file.ciphertextBase64, 'base64')), decipher.final()]);
    } catch {
      throw new SecretError(
        'SIGNER_KEY_FILE_WRONG_PASSPHRASE',
        'cannot decrypt the key file: the passphrase is wrong, or the file was modified',
      );
    }
    if (seed.length !== SEED_BYTES)
      throw new SecretError('SIGNER_KEY_FILE_INVALID', 'decrypted seed has the wrong size');
    return new Uint8Array(seed.buffer, seed.byteOffset, seed.length);
  } finally {
    key.fill(0);
  }
}

export function readKeyFile(path: string): KeyFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new SecretError('SIGNER_KEY_FILE_NOT_FOUND', `cannot read the key file at ${path}`);
  }
  try {
    return parseKeyFile(JSON.parse(text));
  } catch (error) {
    if (error instanceof SecretError) throw error;
    throw new SecretError('SIGNER_KEY_FILE_INVALID', `the key file at ${path} is not JSON`);
  }
}

/** Writes a key file with mode 600, atomically, refusing to replace an existing one unless told. */
export function writeKeyFile(path: string, file: KeyFile, options: { overwrite: boolean }): void {
  if (!options.overwrite && existsSync(path)) {
    throw new SecretError(
      'SIGNER_KEY_FILE_EXISTS',
      `${path} already exists; refusing to overwrite a wallet (use --force)`,
    );
  }
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  renameSync(temporary, path);
}
