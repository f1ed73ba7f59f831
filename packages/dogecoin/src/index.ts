export * from './networks.js';
export * from './ecc.js';
export * from './address.js';
export * from './script.js';
export * from './derivation.js';
export * from './fees.js';
