// One lint gate for the monorepo: typescript-eslint's type-checked rules on every TypeScript file, and
// ESLint's recommended rules on the few CommonJS config files (mocha's), which no tsconfig covers.
//
// It also holds the architecture's boundaries, so that a change that breaks one fails the gate instead of
// waiting for a reviewer to notice:
// - A service never imports another service, in its code or its tests: what two services share lives in
//   a package (packages/*), and at run time they talk over their APIs and events.
// - Packages and tools are shared infrastructure: they never import a service.
// - e2e/ drives the stack as a whole; it may use a service's own test support (services/<name>/test/support,
//   how that service is driven on the stack, kept beside the code it drives) but never a service's code.
//   bench/ is exempt: a benchmark measures a service's own code in-process.
// - Production code (src/ of services, packages and tools) never imports a test helper, fixture or spec.
// - A domain (services/<name>/src/domain) is pure: it imports only its own files and pure packages, and
//   reads neither the clock nor randomness; the use cases hand it `now` and ids as data.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import eslint from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const ROOT = import.meta.dirname;
/** Every service, read from the tree so that a new service is bounded the day it is added. */
const workspaces = (folder) =>
  readdirSync(path.join(ROOT, folder), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
const SERVICES = workspaces('services');
const PACKAGES = workspaces('packages');

const NO_FLOATS = { name: 'parseFloat', message: 'Money is bigint koinu; never parse floats.' };

/** Node's modules that reach a file, the network, a process, the host or the clock. */
const IO_BUILTINS = [
  'fs',
  'fs/promises',
  'net',
  'http',
  'https',
  'http2',
  'child_process',
  'dgram',
  'dns',
  'tls',
  'os',
  'process',
  'cluster',
  'worker_threads',
  'timers',
  'timers/promises',
  'perf_hooks',
  'readline',
  'stream',
  'inspector',
  'v8',
  'vm',
  'async_hooks',
];
/** Libraries that do I/O or run infrastructure (databases, Kafka, HTTP, locks, breakers, logs, metrics, secrets). */
const INFRASTRUCTURE_LIBRARIES = [
  'knex',
  'pg',
  'pg-query-stream',
  'kafkajs',
  'express',
  'ioredis',
  'redlock',
  'opossum',
  'pino',
  'prom-client',
  'jose',
];
/** node:crypto's randomness; its hashes (createHash) are pure and allowed. */
const RANDOM_CRYPTO = [
  'default',
  'randomUUID',
  'randomBytes',
  'randomInt',
  'randomFill',
  'randomFillSync',
  'getRandomValues',
  'webcrypto',
  'generateKey',
  'generateKeySync',
  'generateKeyPair',
  'generateKeyPairSync',
  'generatePrime',
  'generatePrimeSync',
];
const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const IMPURE = 'A domain is pure (STYLE.md): the use case does the I/O and hands the domain data.';
const CLOCK = 'A domain reads no clock: take `now` as data from the use case (the wallet decide() does).';
const RANDOM = 'A domain draws no randomness: take ids as data from the use case.';

export default tseslint.config(
  { ignores: ['node_modules/**', '.stack/**', '**/dist/**', 'eslint.config.js'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: ROOT },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      'no-restricted-globals': ['error', NO_FLOATS],
    },
  },
  {
    files: ['**/test/**/*.ts', 'e2e/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-expressions': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Both mocha tiers also forbid these when they run (forbidOnly, forbidPending); the lint says so
      // at the line. A check that is skipped proves nothing: make it run, or delete it and say why.
      'no-restricted-properties': [
        'error',
        ...['describe', 'context', 'it', 'specify'].flatMap((name) => [
          { object: name, property: 'only', message: 'An exclusive test hides the rest of the tier.' },
          { object: name, property: 'skip', message: 'A skipped test proves nothing.' },
        ]),
      ],
      'no-restricted-globals': [
        'error',
        NO_FLOATS,
        ...['xdescribe', 'xcontext', 'xit', 'xspecify'].map((name) => ({
          name,
          message: 'A pending test proves nothing.',
        })),
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.type='ThisExpression'][callee.property.name='skip']",
          message: 'A test that skips itself proves nothing: make it run, or delete it and say why.',
        },
      ],
    },
  },

  // Boundaries between services, packages, tools and e2e, checked on the resolved file of every import
  // (so `../../../wallet/src/x.js` and `@dbay/wallet` are caught alike).
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [
        createNodeResolver({
          extensions: ['.ts', '.js', '.json', '.node'],
          // Relative imports name the .ts file with a .js suffix (CONVENTIONS.md).
          extensionAlias: { '.js': ['.ts', '.js'] },
          conditionNames: ['import', 'default'],
        }),
      ],
    },
    rules: {
      // no-restricted-paths passes over an import it cannot resolve, so every import must resolve.
      'import-x/no-unresolved': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: ROOT,
          zones: [
            ...SERVICES.map((service) => ({
              target: `services/${service}`,
              from: 'services',
              except: [`./${service}`],
              message:
                'A service never imports another service, tests included: share through a package (packages/*), talk over APIs and events.',
            })),
            {
              target: ['packages', 'tools'],
              from: 'services',
              message: 'Packages and tools are shared infrastructure: they never import a service.',
            },
            {
              target: 'e2e',
              from: 'services',
              except: SERVICES.map((service) => `./${service}/test/support`),
              message:
                "e2e drives a service through the stack and the service's own test/support, never its code.",
            },
            {
              target: [
                ...SERVICES.map((service) => `services/${service}/src/**`),
                ...PACKAGES.filter((name) => name !== 'testing').map((name) => `packages/${name}/src/**`),
                'tools/*/src/**',
              ],
              from: [
                'services/*/test/**',
                'packages/*/test/**',
                'tools/*/test/**',
                'packages/testing/**',
                'packages/*/src/testing.ts',
                'e2e/**',
                'bench/**',
              ],
              message: 'Production code never imports a test helper, fixture or spec.',
            },
            ...SERVICES.map((service) => ({
              target: `services/${service}/src/domain`,
              from: `services/${service}`,
              except: ['./src/domain'],
              message: `${IMPURE} It imports no adapter, entry point, use case, config or composition root.`,
            })),
          ],
        },
      ],
    },
  },
  {
    // A workspace imports another workspace by its package name, never by a path into its files.
    files: ['services/**/*.ts', 'packages/**/*.ts', 'tools/**/*.ts'],
    rules: { 'import-x/no-relative-packages': 'error' },
  },

  // A domain is pure: no I/O, no infrastructure, no clock, no randomness.
  {
    files: ['services/*/src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['crypto', 'node:crypto'].map((name) => ({
            name,
            importNames: RANDOM_CRYPTO,
            message: `${RANDOM} Only node:crypto's named hashes (createHash) are allowed.`,
          })),
          patterns: [
            {
              regex: `^(node:)?(${IO_BUILTINS.map(escapeRegex).join('|')})$`,
              message: IMPURE,
            },
            {
              regex: `^(${INFRASTRUCTURE_LIBRARIES.map(escapeRegex).join('|')})(/.*)?$`,
              message: IMPURE,
            },
            { regex: '^@(kafkajs|aws-sdk)/', message: IMPURE },
            {
              regex: '^@dbay/platform(?!/invariant$)',
              message: `${IMPURE} From the platform only its pure @dbay/platform/invariant.`,
            },
            {
              regex: '^@dbay/chain-rpc(?!/codes$)',
              message: `${IMPURE} From the RPC client only its constants, @dbay/chain-rpc/codes.`,
            },
            { regex: '^@dbay/testing', message: 'Test helpers never enter a domain.' },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: CLOCK },
        { selector: "CallExpression[callee.name='Date']", message: CLOCK },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: CLOCK },
        { object: 'performance', property: 'now', message: CLOCK },
        { object: 'process', property: 'hrtime', message: CLOCK },
        { object: 'Math', property: 'random', message: RANDOM },
        { object: 'crypto', property: 'randomUUID', message: RANDOM },
        { object: 'crypto', property: 'getRandomValues', message: RANDOM },
      ],
      'no-restricted-globals': [
        'error',
        NO_FLOATS,
        ...['performance', 'crypto', 'process', 'fetch', 'setTimeout', 'setInterval', 'setImmediate'].map(
          (name) => ({ name, message: IMPURE }),
        ),
      ],
    },
  },
  {
    files: ['**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Plain ES modules: worker thread entries, which load their TypeScript through tsx's API (a worker
    // does not get the --import tsx hooks), and the failing workers of their tests.
    files: ['**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { sourceType: 'module', globals: { process: 'readonly' } },
  },
  {
    // The generator is repository tooling (scripts/contracts/); its specs live beside the package it
    // generates, and the unit tier finds them there.
    files: ['packages/contracts/test/**/*.ts'],
    rules: { 'import-x/no-relative-packages': 'off' },
  },
);
