// Integration and end-to-end tiers: real Kafka, schema registry, Postgres, Redis and the regtest simulator,
// all from the one stack that `npm run stack:up` started. Files named *.int.spec.ts and e2e/**/*.e2e.spec.ts;
// spec files named on the command line run alone (`npx mocha --config .mocharc.integration.cjs e2e/x.e2e.spec.ts`).
const { tierSpecs } = require('./scripts/mocha-spec.cjs');

module.exports = {
  'node-option': ['import=tsx'],
  extension: ['ts'],
  // A run that ran only some tests, or passed over a pending one, is not green: it proved less than it says.
  'forbid-only': true,
  'forbid-pending': true,
  spec: tierSpecs([
    'packages/*/test/**/*.int.spec.ts',
    'services/*/test/**/*.int.spec.ts',
    'tools/*/test/**/*.int.spec.ts',
    'e2e/**/*.e2e.spec.ts',
  ]),
  timeout: 120000,
  slow: 5000,
  reporter: 'spec',
};
