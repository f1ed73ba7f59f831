// Prometheus metrics: one registry per service (never prom-client's global one, so several relays or
// consumers in one test process do not collide), Node's default metrics, and the platform's own
// counters for the outbox, the consumers and HTTP.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface PlatformMetrics {
  registry: Registry;
  outboxPublished: Counter<'topic'>;
  outboxParked: Counter<'topic'>;
  outboxPending: Gauge;
  consumerProcessed: Counter<'consumer' | 'topic'>;
  consumerDuplicates: Counter<'consumer' | 'topic'>;
  consumerDeadLettered: Counter<'consumer' | 'topic' | 'reason'>;
  handlerDuration: Histogram<'consumer' | 'topic' | 'outcome'>;
  consumerBatchSize: Histogram<'consumer' | 'topic'>;
  httpRequestDuration: Histogram<'method' | 'route' | 'status'>;
}

const HANDLER_DURATION_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetrics({ service }: { service: string }): PlatformMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    outboxPublished: new Counter({
      name: 'dbay_outbox_published_total',
      help: 'Outbox events published to Kafka and marked sent.',
      labelNames: ['topic'],
      registers,
    }),
    outboxParked: new Counter({
      name: 'dbay_outbox_parked_total',
      help: 'Outbox events that cannot be encoded for their topic and were parked for an operator.',
      labelNames: ['topic'],
      registers,
    }),
    outboxPending: new Gauge({
      name: 'dbay_outbox_pending',
      help: 'Outbox events committed but not yet published, as last seen by the relay.',
      registers,
    }),
    consumerProcessed: new Counter({
      name: 'dbay_consumer_processed_total',
      help: 'Events whose handler ran and committed.',
      labelNames: ['consumer', 'topic'],
      registers,
    }),
    consumerDuplicates: new Counter({
      name: 'dbay_consumer_duplicates_total',
      help: 'Events skipped because the inbox had already recorded their event id.',
      labelNames: ['consumer', 'topic'],
      registers,
    }),
    consumerDeadLettered: new Counter({
      name: 'dbay_consumer_dlq_total',
      help: 'Messages sent to the dead-letter topic.',
      labelNames: ['consumer', 'topic', 'reason'],
      registers,
    }),
    handlerDuration: new Histogram({
      name: 'dbay_consumer_handler_duration_seconds',
      help: 'Time to process one message (or one batch: outcome=batch): inbox check, handler and commit, including retries.',
      labelNames: ['consumer', 'topic', 'outcome'],
      buckets: HANDLER_DURATION_BUCKETS_SECONDS,
      registers,
    }),
    consumerBatchSize: new Histogram({
      name: 'dbay_consumer_batch_messages',
      help: 'Messages applied in one transaction on a batch topic (a message applied alone is a run of one).',
      labelNames: ['consumer', 'topic'],
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
      registers,
    }),
    httpRequestDuration: new Histogram({
      name: 'dbay_http_request_duration_seconds',
      help: 'HTTP request latency by route template.',
      labelNames: ['method', 'route', 'status'],
      buckets: HANDLER_DURATION_BUCKETS_SECONDS,
      registers,
    }),
  };
}
