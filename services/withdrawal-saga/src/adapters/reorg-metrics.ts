/**
 * The saga's own metrics (the watch after withdrawal.confirmed, the hot wallet's floor), registered in
 * the service's registry next to the platform's. Alerting hangs off both: dbay_withdrawal_saga_reorg_alerts_total{stage} rising
 * for LEFT_CHAIN or CONFLICTED, and dbay_withdrawal_saga_confirmed_off_chain above 0 for long.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ReorgWatchMetrics } from '../use-cases/reorg-watch.js';
import type { HotColdMetrics } from '../use-cases/hot-cold.js';

export function createReorgWatchMetrics(registry: Registry): ReorgWatchMetrics {
  const registers = [registry];
  return {
    alerts: new Counter({
      name: 'dbay_withdrawal_saga_reorg_alerts_total',
      help: 'withdrawal.reorged alerts raised, by stage (LEFT_CHAIN, MOVED, CONFLICTED, BACK_IN_CHAIN).',
      labelNames: ['stage'],
      registers,
    }),
    offChain: new Gauge({
      name: 'dbay_withdrawal_saga_confirmed_off_chain',
      help: 'Confirmed withdrawal transactions a reorganisation has out of the best chain now.',
      registers,
    }),
  };
}

/**
 * The hot wallet's alarms: dbay_withdrawal_saga_hot_wallet_below_floor is 1 while a refill is needed, and
 * dbay_withdrawal_saga_refill_reports_pending counts reported refills not taken in yet.
 */
export function createHotColdMetrics(registry: Registry): HotColdMetrics {
  return {
    belowFloor: new Gauge({
      name: 'dbay_withdrawal_saga_hot_wallet_below_floor',
      help: 'Whether the hot wallet is below HOT_WALLET_FLOOR_KOINU (1) and needs a refill from cold, or not (0).',
      registers: [registry],
    }),
    refillReportsPending: new Gauge({
      name: 'dbay_withdrawal_saga_refill_reports_pending',
      help: 'Refills from cold the deposit watcher reported that the saga has not taken in yet (checked again; GET /internal/hot-wallet/refill-reports).',
      registers: [registry],
    }),
  };
}
