// Unit tier: pure code, no network. Files named *.unit.spec.ts anywhere in the workspaces, and the pure
// parts of the benchmarks' support (bench/*/test); spec files named on the command line run alone
// (`npx mocha --config .mocharc.unit.cjs path/to/x.unit.spec.ts`).
const { tierSpecs } = require('./scripts/mocha-spec.cjs');

module.exports = {
  'node-option': ['import=tsx'],
  extension: ['ts'],
  // A run that ran only some tests, or passed over a pending one, is not green: it proved less than it says.
  'forbid-only': true,
  'forbid-pending': true,
  spec: tierSpecs([
    'packages/*/test/**/*.unit.spec.ts',
    'services/*/test/**/*.unit.spec.ts',
    'services/*/ui/test/**/*.unit.spec.ts',
    'tools/*/test/**/*.unit.spec.ts',
    'bench/*/test/**/*.unit.spec.ts',
  ]),
  timeout: 20000,
  reporter: 'spec',
};
