// @dbay/platform: the shared infrastructure of every DBay service (no business rules).
export * from './config.js';
export * from './logger.js';
export * from './metrics.js';
export * from './http.js';
export * from './db.js';
export * from './migrations.js';
export * from './envelope.js';
export * from './codec.js';
export * from './kafka.js';
export * from './outbox.js';
export * from './outbox-relay.js';
export * from './dlq.js';
export * from './consumer.js';
export * from './runtime.js';
export * from './loops.js';
export * from './tokens.js';
export * from './http-input.js';
