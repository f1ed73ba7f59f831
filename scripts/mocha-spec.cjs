// The spec list of a mocha tier. Mocha appends the spec files named on the command line to the config's
// `spec`, so `mocha --config .mocharc.integration.cjs path/to/one.int.spec.ts` would run the whole tier.
// Here, files (or folders, or globs) named on the command line replace the tier's default globs instead.
const { existsSync } = require('node:fs');

// Options whose next argument is their value, not a spec (mocha's own list, long and short forms).
const TAKES_VALUE = new Set(
  [
    'config', 'package', 'grep', 'g', 'fgrep', 'f', 'timeout', 't', 'slow', 's', 'reporter', 'R',
    'reporter-option', 'O', 'require', 'r', 'ui', 'u', 'jobs', 'j', 'extension', 'ignore', 'exclude',
    'file', 'node-option', 'n', 'retries', 'spec', 'watch-files', 'watch-ignore',
  ].map((name) => (name.length === 1 ? `-${name}` : `--${name}`)),
); // prettier-ignore

function specsFromCommandLine(argv = process.argv.slice(2)) {
  return argv.filter(
    (arg, index) =>
      !arg.startsWith('-') &&
      !TAKES_VALUE.has(argv[index - 1] ?? '') &&
      (arg.includes('*') || existsSync(arg)),
  );
}

/** The tier's default globs, unless the command line names its own specs. */
function tierSpecs(defaults) {
  return specsFromCommandLine().length > 0 ? [] : defaults;
}

module.exports = { tierSpecs, specsFromCommandLine };
