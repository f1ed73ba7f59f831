/**
 * @dbay/testing: helpers for the integration and end-to-end tiers, which run against the real local
 * stack that `npm run stack:up` started.
 *
 * - stackEndpoints(): every endpoint of the running stack (from .stack/stack.env, else the defaults of
 *   docs/CONVENTIONS.md); dogecoinRpcPassword().
 * - waitFor(predicate, { timeoutMs, intervalMs }): poll until something eventually holds.
 * - kcatDump / kcatProduce: dump a partition range to a file and produce it back, byte for byte (replays).
 * - restartService / stopService / startService / killService / servicePid / lastExitCode: control one
 *   service process of the stack.
 * - createThrowawayTopic(): a uniquely named Kafka topic, removed by the test.
 * - ThrowawayDatabase, startThrowawayKafka, spawnService: a database, a broker and real service
 *   processes of a run's own, for benchmarks and for tests that stand in for another service (they must
 *   not write into the stack's books, which the reconciler checks).
 */
export * from './stack-env.js';
export * from './wait-for.js';
export * from './kcat.js';
export * from './services.js';
export * from './topics.js';
export * from './regtest-control.js';
export * from './tokens.js';
export * from './openapi.js';
export * from './processes.js';
export * from './throwaway-database.js';
export * from './throwaway-kafka.js';
export * from './service-process.js';
