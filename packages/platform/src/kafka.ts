// kafkajs clients with every limit explicit and their logs routed into the service's pino logger.
import {
  Kafka,
  logLevel,
  Partitioners,
  type LogEntry,
  type Producer,
  type ProducerConfig,
  type SASLOptions,
} from 'kafkajs';
import type { Logger } from 'pino';
import { readSecret } from './config.js';

export const KAFKA_CONNECTION_TIMEOUT_MS = 3_000;
export const KAFKA_REQUEST_TIMEOUT_MS = 30_000;
export const KAFKA_CLIENT_RETRY = { retries: 5, initialRetryTime: 300, maxRetryTime: 10_000 } as const;

/**
 * The producer of the outbox relay and the DLQ: acks=all and one request in flight, so a retry never
 * reorders a key's events. Retries are bounded on purpose: when Kafka stays down, send must fail so the
 * relay rolls back, releases its row locks and tries again later, instead of hanging inside a database
 * transaction.
 *
 * Not kafkajs' idempotent producer. Its guarantee holds only with unbounded retries (kafkajs warned
 * "Limiting retries for the idempotent producer may invalidate EoS guarantees" at every start), and a
 * send that gave up left its sequence numbers out of step with the broker, so every later send failed
 * (OutOfOrderSequence: the withdrawal outage of stop 23). Nothing here relies on it: the outbox is
 * at-least-once by design (a crash between the send and marking the row sent sends it again), and every
 * consumer drops a second copy by its envelope's eventId in the same transaction as the effect
 * (docs/CONVENTIONS.md, "Events"). A retried batch the broker had written is one more such copy.
 *
 * The Java-compatible murmur2 partitioner keeps a key on the partition other clients (kcat with
 * -X partitioner=murmur2_random, Java consumers' tooling) would pick.
 */
export const RELAY_PRODUCER_CONFIG: ProducerConfig = {
  idempotent: false,
  maxInFlightRequests: 1,
  allowAutoTopicCreation: false,
  createPartitioner: Partitioners.DefaultPartitioner,
  retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 5_000 },
};

/** acks=all: a send resolves only once every in-sync replica has the record. */
export const ACKS_ALL = -1;
export const PRODUCE_TIMEOUT_MS = 30_000;

/** Who the client is to the brokers (SASL) and whether the connection is TLS. Empty: anonymous plaintext. */
export interface KafkaSecurity {
  sasl?: SASLOptions;
  ssl?: boolean;
}

export interface KafkaOptions {
  clientId: string;
  brokers: string[];
  logger: Logger;
  security?: KafkaSecurity;
}

/** The variables of `kafkaSecurityShape`, parsed. */
export interface KafkaSecurityConfig {
  KAFKA_SASL_MECHANISM: 'none' | 'scram-sha-512';
  KAFKA_SASL_USERNAME: string;
  KAFKA_SASL_PASSWORD?: string | undefined;
  KAFKA_SASL_PASSWORD_FILE?: string | undefined;
  KAFKA_SSL: boolean;
}

/**
 * The client side of `kafkaSecurityShape`: the principal and its password (read from the file now, so a
 * missing one stops the service at boot naming the variable, never the value).
 */
export function kafkaSecurityOf(config: KafkaSecurityConfig): KafkaSecurity {
  const ssl = config.KAFKA_SSL ? { ssl: true } : {};
  if (config.KAFKA_SASL_MECHANISM === 'none') return ssl;
  return {
    ...ssl,
    sasl: {
      mechanism: config.KAFKA_SASL_MECHANISM,
      username: config.KAFKA_SASL_USERNAME,
      password: readSecret(config as unknown as Record<string, unknown>, 'KAFKA_SASL_PASSWORD'),
    },
  };
}

export function createKafka({ clientId, brokers, logger, security = {} }: KafkaOptions): Kafka {
  return new Kafka({
    clientId,
    brokers,
    ...security,
    connectionTimeout: KAFKA_CONNECTION_TIMEOUT_MS,
    requestTimeout: KAFKA_REQUEST_TIMEOUT_MS,
    retry: { ...KAFKA_CLIENT_RETRY },
    logLevel: logLevel.INFO,
    logCreator: kafkaLogCreator(logger.child({ component: 'kafkajs' })),
  });
}

export function createRelayProducer(kafka: Kafka): Producer {
  return kafka.producer(RELAY_PRODUCER_CONFIG);
}

function kafkaLogCreator(logger: Logger) {
  return () =>
    ({ level, log }: LogEntry): void => {
      const { message, ...extra } = log;
      switch (level) {
        case logLevel.ERROR:
          logger.error(extra, message);
          break;
        case logLevel.WARN:
          logger.warn(extra, message);
          break;
        case logLevel.INFO:
          logger.info(extra, message);
          break;
        case logLevel.DEBUG:
        case logLevel.NOTHING:
          logger.debug(extra, message);
          break;
      }
    };
}
