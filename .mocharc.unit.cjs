// Unit tier: pure code, no network. Files named *.unit.spec.ts anywhere in the workspaces.
module.exports = {
  'node-option': ['import=tsx'],
  extension: ['ts'],
  spec: ['packages/*/test/**/*.unit.spec.ts', 'services/*/test/**/*.unit.spec.ts', 'tools/*/test/**/*.unit.spec.ts'],
  timeout: 20000,
  reporter: 'spec',
};
