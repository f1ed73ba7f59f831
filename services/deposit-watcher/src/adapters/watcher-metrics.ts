/**
 * The deposit watcher's own Prometheus metrics, registered in the service's registry next to the
 * platform's. Alerting hangs off three of them: dbay_deposit_watcher_deep_reorgs_total (a reorg at least
 * DEPOSIT_CONFIRMATIONS deep, or one that touched a confirmed deposit), dbay_deposit_watcher_rpc_breaker_state
 * staying open, and dbay_deposit_watcher_scanned_height falling behind dbay_deposit_watcher_node_height.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { BreakerState, RpcCallOutcome } from '@dbay/chain-rpc';

const SCAN_DURATION_BUCKETS_SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const RPC_DURATION_BUCKETS_SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const BREAKER_STATE_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

/** Hooks of the node's client (@dbay/chain-rpc's RpcHooks, both required here), and the scan's own metrics. */
export interface WatcherMetrics {
  onCall(method: string, outcome: RpcCallOutcome, seconds: number): void;
  onBreakerState(state: BreakerState): void;
  scannedHeight: Gauge;
  nodeHeight: Gauge;
  blocksScanned: Counter;
  blockScanDuration: Histogram;
  depositEvents: Counter<'event'>;
  reorgs: Counter;
  deepReorgs: Counter;
  lastReorgDepth: Gauge;
  pollFailures: Counter<'kind'>;
  watchedAddresses: Gauge;
  mempoolTransactionsExamined: Counter;
  rawBlockFallbacks: Counter;
  blockDecoderWorkerFailures: Counter;
}

export function createWatcherMetrics(registry: Registry): WatcherMetrics {
  const registers = [registry];
  const rpcCalls = new Counter({
    name: 'dbay_deposit_watcher_rpc_calls_total',
    help: 'Dogecoin RPC calls by method and outcome (ok, rpc-error, failure, rejected by the open breaker).',
    labelNames: ['method', 'outcome'],
    registers,
  });
  const rpcDuration = new Histogram({
    name: 'dbay_deposit_watcher_rpc_duration_seconds',
    help: 'Dogecoin RPC call latency by method.',
    labelNames: ['method'],
    buckets: RPC_DURATION_BUCKETS_SECONDS,
    registers,
  });
  const breakerState = new Gauge({
    name: 'dbay_deposit_watcher_rpc_breaker_state',
    help: 'State of the Dogecoin RPC circuit breaker: 0 closed, 1 half-open, 2 open.',
    registers,
  });
  const breakerTransitions = new Counter({
    name: 'dbay_deposit_watcher_rpc_breaker_transitions_total',
    help: 'Circuit breaker state changes, by the state entered.',
    labelNames: ['state'],
    registers,
  });
  return {
    scannedHeight: new Gauge({
      name: 'dbay_deposit_watcher_scanned_height',
      help: 'Height of the stored tip.',
      registers,
    }),
    nodeHeight: new Gauge({
      name: 'dbay_deposit_watcher_node_height',
      help: "The node's best height as last seen.",
      registers,
    }),
    blocksScanned: new Counter({
      name: 'dbay_deposit_watcher_blocks_scanned_total',
      help: 'Blocks connected.',
      registers,
    }),
    blockScanDuration: new Histogram({
      name: 'dbay_deposit_watcher_block_scan_duration_seconds',
      help: 'Time to fetch, match and commit one block.',
      buckets: SCAN_DURATION_BUCKETS_SECONDS,
      registers,
    }),
    depositEvents: new Counter({
      name: 'dbay_deposit_watcher_deposit_events_total',
      help: 'Deposit events enqueued, by topic.',
      labelNames: ['event'],
      registers,
    }),
    reorgs: new Counter({
      name: 'dbay_deposit_watcher_reorgs_total',
      help: 'Reorgs rolled back, any depth.',
      registers,
    }),
    deepReorgs: new Counter({
      name: 'dbay_deposit_watcher_deep_reorgs_total',
      help: 'Reorgs at least DEPOSIT_CONFIRMATIONS deep or touching a confirmed deposit: page someone.',
      registers,
    }),
    lastReorgDepth: new Gauge({
      name: 'dbay_deposit_watcher_last_reorg_depth_blocks',
      help: 'Depth of the most recent reorg.',
      registers,
    }),
    pollFailures: new Counter({
      name: 'dbay_deposit_watcher_poll_failures_total',
      help: 'Polls that stopped on an error, by kind (node-unavailable, node-malformed, node-error, database, other).',
      labelNames: ['kind'],
      registers,
    }),
    watchedAddresses: new Gauge({
      name: 'dbay_deposit_watcher_watched_addresses',
      help: 'Addresses watched, as last counted.',
      registers,
    }),
    mempoolTransactionsExamined: new Counter({
      name: 'dbay_deposit_watcher_mempool_transactions_examined_total',
      help: 'Mempool transactions fetched and matched.',
      registers,
    }),
    rawBlockFallbacks: new Counter({
      name: 'dbay_deposit_watcher_raw_block_fallbacks_total',
      help: 'Blocks whose raw bytes could not be decoded and were read as getblock verbosity-2 JSON instead.',
      registers,
    }),
    blockDecoderWorkerFailures: new Counter({
      name: 'dbay_deposit_watcher_block_decoder_worker_failures_total',
      help: 'Times the raw block decoding worker thread failed (crashed, exited or did not answer); its blocks were decoded on the event loop instead.',
      registers,
    }),
    onCall(method, outcome, seconds) {
      rpcCalls.inc({ method, outcome });
      if (outcome !== 'rejected') rpcDuration.observe({ method }, seconds);
    },
    onBreakerState(state) {
      breakerState.set(BREAKER_STATE_VALUE[state]);
      breakerTransitions.inc({ state });
    },
  };
}
