// Finding secret values where only references may be: a committed value for a variable whose name
// says it is a credential, or a connection string with a literal password in it. A reference
// (`${VAR}` for Compose, `$(VAR)` for Kubernetes) or an empty placeholder is fine.

const SECRET_WORD = /PASSWORD|PASSPHRASE|MNEMONIC|PRIVATE|TOKEN|API_KEY|CREDENTIAL|SECRET|SEED/;
/** Names that point at a secret instead of holding it: SIGNER_AWS_SECRET_ID, SIGNER_KEY_PASSPHRASE_FILE. */
const POINTER_SUFFIX = /_(ID|PROVIDER|FILE|PATH|REGION|ENDPOINT)$/;
const REFERENCE = /^(\$\{[A-Z0-9_]+(:?[-?][^}]*)?\}|\$\([A-Z0-9_]+\))$/;
const URL_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:([^@\s]+)@/i;

export interface Setting {
  where: string;
  name: string;
  value: string;
}

export function isSecretName(name: string): boolean {
  const upper = name.toUpperCase();
  return SECRET_WORD.test(upper) && !POINTER_SUFFIX.test(upper);
}

function isReference(value: string): boolean {
  return REFERENCE.test(value);
}

/** The password inside a URL such as postgres://user:password@host, when it is a literal. */
export function literalUrlPassword(value: string): string | undefined {
  const password = URL_PASSWORD.exec(value)?.[1];
  return password === undefined || isReference(password) ? undefined : password;
}

/** Every setting that carries a literal secret, described for an assertion message. */
export function literalSecrets(settings: Setting[]): string[] {
  return settings.flatMap(({ where, name, value }) => {
    const findings: string[] = [];
    if (isSecretName(name) && value !== '' && !isReference(value)) {
      findings.push(`${where}: ${name} has a literal value`);
    }
    if (literalUrlPassword(value) !== undefined) {
      findings.push(`${where}: ${name} holds a URL with a literal password`);
    }
    return findings;
  });
}

/** NAME=value lines of a dotenv file; comments and blank lines skipped. */
export function parseDotenv(text: string, where: string): Setting[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const separator = line.indexOf('=');
      return { where, name: line.slice(0, separator), value: line.slice(separator + 1) };
    });
}
