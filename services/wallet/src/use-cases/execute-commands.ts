/**
 * Executing wallet commands: the one use case through which money moves, for a batch of commands in
 * one transaction (a group commit over HTTP, or a run of Kafka messages).
 *
 * 1. Read the idempotency records of every key in the batch.
 * 2. Load and row-lock everything the new commands may touch, in the global lock order.
 * 3. Decide each command in arrival order against the in-memory book, so a later command sees the
 *    effects of the earlier ones (two pay-orders from one wallet cannot both spend the same coins).
 *    Each gets its own answer: accepted, refused (with its failure events), a replay of the stored
 *    answer, or key-reused; a key repeated inside the batch replays its first use.
 * 4. Write everything (balances, ledger entries, aggregates, events, idempotency records) at once.
 */
import { decide, type CommandResult, type DomainError, type WalletPolicy } from '../domain/index.js';
import { BatchChanges } from './batch-changes.js';
import { commandHash } from './command-hash.js';
import { loadAndLock } from './load-book.js';
import type { CommandOutcome, CommandRequest, LedgerStore, StoredCommand } from './ports.js';
import { keyOf } from './resources.js';

/** What a decision takes besides the book: the rules, and the clock and ids as values. */
export interface ExecutionContext {
  policy: WalletPolicy;
  now: () => Date;
  newId: () => string;
}

type IdempotencyRecord = Pick<StoredCommand, 'commandType' | 'requestHash' | 'outcome' | 'response'>;

/** Runs the batch in the store's transaction and returns one outcome per request, in order. */
export async function executeCommands(
  store: LedgerStore,
  requests: CommandRequest[],
  context: ExecutionContext,
): Promise<CommandOutcome[]> {
  const now = context.now();
  const records = await idempotencyRecords(store, requests);
  const fresh = requests.filter((request) => !records.has(keyOf(request)));
  const loaded = await loadAndLock(
    store,
    fresh.map((request) => request.command),
  );
  const changes = new BatchChanges(loaded);
  const outcomes = requests.map((request) => answer(request, records, changes, now, context));
  await store.write(changes.toWrite(now));
  return outcomes;
}

async function idempotencyRecords(
  store: LedgerStore,
  requests: CommandRequest[],
): Promise<Map<string, IdempotencyRecord>> {
  const keys = new Map(
    requests.map(({ scope, idempotencyKey }) => [
      keyOf({ scope, idempotencyKey }),
      { scope, idempotencyKey },
    ]),
  );
  const stored = await store.findCommands([...keys.values()]);
  return new Map(stored.map((record) => [keyOf(record), record]));
}

/** One command's answer: from its key's record if it has one, otherwise from the domain's decision. */
function answer(
  request: CommandRequest,
  records: Map<string, IdempotencyRecord>,
  changes: BatchChanges,
  now: Date,
  context: ExecutionContext,
): CommandOutcome {
  const key = keyOf(request);
  const requestHash = commandHash(request.command);
  const prior = records.get(key);
  if (prior) {
    return prior.requestHash === requestHash
      ? replay(prior)
      : {
          kind: 'key-reused',
          message: `idempotency key was first used for a different ${prior.commandType} request`,
        };
  }
  const commandId = context.newId();
  const decision = decide(changes.book, request.command, {
    now: now.toISOString(),
    commandId,
    policy: context.policy,
  });
  let outcome: CommandOutcome;
  let stored: Pick<StoredCommand, 'outcome' | 'response'>;
  if (decision.ok) {
    changes.accept(request, decision, commandId);
    outcome = { kind: 'accepted', result: decision.result, replayed: false };
    stored = { outcome: 'ACCEPTED', response: decision.result };
  } else {
    changes.refuse(request, decision.events);
    outcome = { kind: 'rejected', error: decision.error, replayed: false };
    stored = { outcome: 'REJECTED', response: decision.error };
  }
  const record = {
    scope: request.scope,
    idempotencyKey: request.idempotencyKey,
    commandType: request.command.type,
    requestHash,
    commandId,
    ...stored,
  };
  changes.record(record);
  records.set(key, record);
  return outcome;
}

function replay(stored: Pick<StoredCommand, 'outcome' | 'response'>): CommandOutcome {
  return stored.outcome === 'ACCEPTED'
    ? { kind: 'accepted', result: stored.response as CommandResult, replayed: true }
    : { kind: 'rejected', error: stored.response as DomainError, replayed: true };
}
