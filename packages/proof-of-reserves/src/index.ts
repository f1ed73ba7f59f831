export * from './encoding.js';
export * from './tree.js';
export * from './wire.js';
