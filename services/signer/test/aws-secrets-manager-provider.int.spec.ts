// Proves the AWS Secrets Manager seed provider with the real @aws-sdk/client-secrets-manager client,
// built from the signer's own config (SIGNER_AWS_REGION, SIGNER_AWS_ENDPOINT, secret ids): requests
// are signed for the configured region and sent to the configured endpoint, GetSecretValue answers
// are parsed, AWS error types become coded SecretErrors that name the secret and never its contents,
// and failing calls are retried a bounded number of times. AWS is not part of the local stack, so
// the other end is a small HTTP server on loopback that speaks Secrets Manager's JSON 1.1 protocol
// (X-Amz-Target: secretsmanager.GetSecretValue): a fake of AWS, not AWS. What it cannot prove is
// IAM, KMS and the real service's behaviour; those belong to a staging run against a real account.
import { expect } from 'chai';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { accountXpubFromSeed, regtest, seedFromMnemonic } from '@dbay/dogecoin';
import { loadSignerConfig } from '../src/config.js';
import { encryptSeed } from '../src/adapters/secrets/key-file.js';
import { loadAccountKeys } from '../src/adapters/secrets/load-account-keys.js';
import { SecretError } from '../src/adapters/secrets/secret-error.js';
import { seedProviderFromConfig } from '../src/adapters/secrets/seed-provider-from-config.js';
import { TEST_MNEMONIC } from './fixtures/signing-fixtures.js';

const REGION = 'eu-central-1';
const PASSPHRASE = 'a passphrase kept in a second secret';
const seed = (): Uint8Array => seedFromMnemonic(TEST_MNEMONIC);
const accountXpub = accountXpubFromSeed(seed(), regtest);
const keyFileJson = JSON.stringify(
  encryptSeed(seed(), PASSPHRASE, {
    network: 'regtest',
    accountXpub,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    scrypt: { N: 2 ** 14, r: 8, p: 1 },
  }),
);

interface SeenRequest {
  target: string | undefined;
  authorization: string;
  secretId: string;
}

type Answer = { status: number; body: Record<string, unknown> };

/** A loopback stand-in for Secrets Manager: answers GetSecretValue from a table, records every call. */
class FakeSecretsManager {
  readonly seen: SeenRequest[] = [];
  answers = new Map<string, () => Answer>();
  private server: Server | undefined;

  secret(id: string, secretString: string): void {
    this.answers.set(id, () => ({
      status: 200,
      body: {
        ARN: `arn:aws:secretsmanager:${REGION}:111122223333:secret:${id}-AbCdEf`,
        Name: id,
        VersionId: 'EXAMPLE1-90ab-cdef-fedc-ba987SECRET1',
        SecretString: secretString,
        VersionStages: ['AWSCURRENT'],
        CreatedDate: 1_767_225_600.0,
      },
    }));
  }

  failure(id: string, status: number, type: string, message: string): void {
    this.answers.set(id, () => ({ status, body: { __type: type, message } }));
  }

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      void this.handle(request).then(({ status, body }) => {
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private async handle(request: IncomingMessage): Promise<Answer> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { SecretId: string };
    this.seen.push({
      target: request.headers['x-amz-target'] as string | undefined,
      authorization: request.headers.authorization ?? '',
      secretId: body.SecretId,
    });
    const answer = this.answers.get(body.SecretId);
    return answer
      ? answer()
      : {
          status: 400,
          body: {
            __type: 'ResourceNotFoundException',
            message: "Secrets Manager can't find the specified secret.",
          },
        };
  }
}

async function rejectedWith(promise: Promise<unknown>): Promise<SecretError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SecretError) return error;
    throw error;
  }
  throw new Error('expected a SecretError');
}

describe('AWS Secrets Manager seed provider with the real SDK client (loopback fake of AWS)', function () {
  this.timeout(30_000);
  const aws = new FakeSecretsManager();
  let endpoint: string;
  const savedEnvironment = { ...process.env };

  before(async () => {
    endpoint = await aws.start();
    // Static credentials through the SDK's default chain, as an IAM role would provide them in production.
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
    delete process.env.AWS_PROFILE;
  });

  after(async () => {
    process.env = savedEnvironment;
    await aws.stop();
  });

  function providerFor(environment: Record<string, string>) {
    const config = loadSignerConfig({
      DOGECOIN_NETWORK: 'regtest',
      SIGNER_SECRET_PROVIDER: 'aws-secrets-manager',
      SIGNER_AWS_REGION: REGION,
      SIGNER_AWS_ENDPOINT: endpoint,
      ...environment,
    });
    return seedProviderFromConfig(config.secrets);
  }

  it('loads an encrypted key file secret, with its passphrase from a second secret, signed for the configured region', async () => {
    aws.secret('dbay/signer/key-file', keyFileJson);
    aws.secret('dbay/signer/passphrase', `${PASSPHRASE}\n`);
    const provider = providerFor({
      SIGNER_AWS_SECRET_ID: 'dbay/signer/key-file',
      SIGNER_AWS_PASSPHRASE_SECRET_ID: 'dbay/signer/passphrase',
    });
    const keys = await loadAccountKeys(provider, 'regtest', accountXpub);
    expect(keys.accountXpub).to.equal(accountXpub);

    const calls = aws.seen.slice(-2);
    expect(calls.map((call) => call.secretId)).to.deep.equal([
      'dbay/signer/key-file',
      'dbay/signer/passphrase',
    ]);
    for (const call of calls) {
      expect(call.target).to.equal('secretsmanager.GetSecretValue');
      expect(call.authorization).to.match(
        new RegExp(`^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\\d{8}/${REGION}/secretsmanager/aws4_request`),
      );
    }
  });

  it('loads a plain seed document', async () => {
    aws.secret(
      'dbay/signer/plain',
      JSON.stringify({
        format: 'dbay-signer-seed',
        version: 1,
        network: 'regtest',
        accountXpub,
        seedHex: Buffer.from(seed()).toString('hex'),
      }),
    );
    const keys = await loadAccountKeys(providerFor({ SIGNER_AWS_SECRET_ID: 'dbay/signer/plain' }), 'regtest');
    expect(keys.accountXpub).to.equal(accountXpub);
  });

  it('reports a missing secret and a denied one by secret id and AWS error type only', async () => {
    const missing = await rejectedWith(
      providerFor({ SIGNER_AWS_SECRET_ID: 'dbay/signer/nowhere' }).loadSeed(),
    );
    expect(missing.code).to.equal('SIGNER_SECRET_UNAVAILABLE');
    expect(missing.message).to.equal('cannot read secret dbay/signer/nowhere: ResourceNotFoundException');

    aws.failure(
      'dbay/signer/denied',
      400,
      'AccessDeniedException',
      'User is not authorized to perform GetSecretValue',
    );
    const denied = await rejectedWith(providerFor({ SIGNER_AWS_SECRET_ID: 'dbay/signer/denied' }).loadSeed());
    expect(denied.code).to.equal('SIGNER_SECRET_UNAVAILABLE');
    expect(denied.message).to.contain('AccessDeniedException');
  });

  it('retries a failing service a bounded number of times, then gives up with a coded error', async () => {
    aws.failure('dbay/signer/flaky', 500, 'InternalServiceError', 'try again');
    const before = aws.seen.filter((call) => call.secretId === 'dbay/signer/flaky').length;
    const error = await rejectedWith(providerFor({ SIGNER_AWS_SECRET_ID: 'dbay/signer/flaky' }).loadSeed());
    expect(error.code).to.equal('SIGNER_SECRET_UNAVAILABLE');
    expect(aws.seen.filter((call) => call.secretId === 'dbay/signer/flaky').length - before).to.equal(3);
  });

  it('refuses a secret that is no seed document, and a wrong passphrase, without echoing the secret', async () => {
    aws.secret('dbay/signer/mnemonic-by-mistake', JSON.stringify({ mnemonic: TEST_MNEMONIC }));
    const invalid = await rejectedWith(
      providerFor({ SIGNER_AWS_SECRET_ID: 'dbay/signer/mnemonic-by-mistake' }).loadSeed(),
    );
    expect(invalid.code).to.equal('SIGNER_SECRET_INVALID');
    expect(invalid.message).to.not.contain('legal winner');

    aws.secret('dbay/signer/wrong-passphrase', 'not the passphrase of that file');
    const wrong = await rejectedWith(
      providerFor({
        SIGNER_AWS_SECRET_ID: 'dbay/signer/key-file',
        SIGNER_AWS_PASSPHRASE_SECRET_ID: 'dbay/signer/wrong-passphrase',
      }).loadSeed(),
    );
    expect(wrong.code).to.equal('SIGNER_KEY_FILE_WRONG_PASSPHRASE');
    expect(wrong.message).to.not.contain('not the passphrase');
  });
});
