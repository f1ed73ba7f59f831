/**
 * Failures to load the seed. Messages say what went wrong and what to do, and never carry the
 * passphrase, the seed, the mnemonic or the secret's contents.
 */
export type SecretErrorCode =
  | 'SIGNER_KEY_FILE_WRONG_PASSPHRASE'
  | 'SIGNER_KEY_FILE_INVALID'
  | 'SIGNER_KEY_FILE_NOT_FOUND'
  | 'SIGNER_KEY_FILE_EXISTS'
  | 'SIGNER_PASSPHRASE_MISSING'
  | 'SIGNER_PASSPHRASE_TOO_SHORT'
  | 'SIGNER_SECRET_UNAVAILABLE'
  | 'SIGNER_SECRET_INVALID'
  | 'SIGNER_SEED_MISMATCH';

export class SecretError extends Error {
  constructor(
    readonly code: SecretErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SecretError';
  }
}
