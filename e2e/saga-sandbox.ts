/**
 * A withdrawal saga and a signer of a spec's own: the real service processes on a throwaway database
 * (withdrawal_saga and signer schemas) and a throwaway broker, configured as the stack configures its own
 * (services/<name>/stack.env.sh: the same signing key, account xpub, operator key and local policy) and
 * talking to the stack's regtest node.
 *
 * For specs that stand in for the wallet and the deposit watcher by producing their events: a
 * withdrawal no wallet requested, a hot-wallet coin no watcher saw. On the stack's saga these are what the
 * reconciler must report (a withdrawal the saga confirmed that the wallet never had), so `npm run
 * reconcile` after `npm test` would not be clean (issue 16). The coins it spends are real regtest coins
 * paid to the stack's account at indexes no user is given; the stack's saga never learns of them.
 */
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import {
  spawnService,
  stackServiceEnv,
  stopEach,
  startThrowawayKafka,
  ThrowawayDatabase,
  type ServiceProcess,
  type ThrowawayKafka,
} from '@dbay/testing';
import { Bus, sagaDb, stackEnv } from './withdrawal-support.js';

export class SagaSandbox {
  private saga: ServiceProcess | undefined;

  private constructor(
    private readonly database: ThrowawayDatabase,
    private readonly kafka: ThrowawayKafka,
    private readonly signer: ServiceProcess,
    private readonly ports: { port: number; metricsPort: number },
  ) {}

  static async start(): Promise<SagaSandbox> {
    const database = await ThrowawayDatabase.create({
      name: `dbay_test_saga_${randomBytes(4).toString('hex')}`,
      services: ['withdrawal-saga', 'signer'],
    });
    let kafka: ThrowawayKafka | undefined;
    let signer: ServiceProcess | undefined;
    try {
      kafka = await startThrowawayKafka();
      signer = await spawnService({
        service: 'signer',
        databaseUrl: database.urlOf('signer'),
        kafkaBrokers: kafka.brokers,
        env: await stackServiceEnv('signer'),
      });
      const sandbox = new SagaSandbox(database, kafka, signer, { port: 0, metricsPort: 0 });
      await sandbox.startSaga();
      return sandbox;
    } catch (error) {
      await signer?.stop();
      await kafka?.stop();
      await database.drop();
      throw error;
    }
  }

  /** The saga's review API and health endpoints. */
  get url(): string {
    return `http://127.0.0.1:${this.ports.port}`;
  }

  /** A bus on the sandbox's broker (the spec produces the wallet's and the watcher's events on it). */
  bus(): Bus {
    return new Bus({ ...stackEnv(), KAFKA_BROKERS: this.kafka.brokers });
  }

  /** The saga's tables, as `withdrawal_saga.<table>`. */
  db(): Knex {
    return sagaDb({ DATABASE_ADMIN_URL: this.database.adminUrl });
  }

  /**
   * Starts the saga (stopping the running one first), on the same ports as before, with `overrides` in
   * its hook's environment (SAGA_CRASH_AT, SAGA_CRASH_FOR_ADDRESS: a crash the caller waits for).
   */
  async startSaga(overrides: Record<string, string> = {}): Promise<void> {
    await this.saga?.stop();
    this.saga = await spawnService({
      service: 'withdrawal-saga',
      databaseUrl: this.database.urlOf('withdrawal-saga'),
      kafkaBrokers: this.kafka.brokers,
      env: await stackServiceEnv('withdrawal-saga', overrides),
      ...(this.ports.port === 0 ? {} : this.ports),
      mayDie: Object.keys(overrides).length > 0,
    });
    this.ports.port = this.saga.port;
    this.ports.metricsPort = this.saga.metricsPort;
  }

  /** Stops and removes everything, each part even when another fails to stop. */
  async stop(): Promise<void> {
    const steps = [
      () => this.saga?.stop(),
      () => this.signer.stop(),
      () => this.kafka.stop(),
      () => this.database.drop(),
    ];
    await stopEach('the saga sandbox', steps);
  }
}
