/** The wallet's pure domain: types, commands, decisions, postings and events. No I/O, clock or randomness. */
export * from './types.js';
export * from './errors.js';
export * from './commands.js';
export * from './decision.js';
export * from './postings.js';
export * from './events.js';
export * from './views.js';
export * from './decide.js';
export * from './withdrawal-progress.js';
export * from './own-addresses.js';
