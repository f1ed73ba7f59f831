export * from './manifests.js';
export * from './network-policy.js';
export * from './compose.js';
export * from './secrets.js';
export * from './isolation.js';
export * from './kafka-credentials.js';
export * from './cold-account.js';
