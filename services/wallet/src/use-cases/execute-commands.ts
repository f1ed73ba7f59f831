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
 *    A bid's release retires the key of that bid's lock: if the lock has not run yet, its key is
 *    recorded as refused, so a lock request that outlives its caller can never lock after its release
 *    (two batches racing on the key collide on the idempotency table's unique key and one retries).
 * 4. Write everything (balances, ledger entries, aggregates, events, idempotency records) at once.
 */
import {
  decide,
  domainError,
  type Command,
  type CommandResult,
  type DomainError,
  type WalletPolicy,
} from '../domain/index.js';
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

type IdempotencyRecord = Pick<
  StoredCommand,
  'commandType' | 'requestHash' | 'outcome' | 'response' | 'commandId'
>;

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
    requests
      .flatMap(({ scope, idempotencyKey, command }) => {
        const retired = retiredKeyOf(command);
        return retired
          ? [idempotencyKey, retired].map((key) => ({ scope, idempotencyKey: key }))
          : [{ scope, idempotencyKey }];
      })
      .map((key) => [keyOf(key), key]),
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
    return prior.requestHash === requestHash || prior.requestHash === RETIRED_HASH
      ? replay(prior)
      : {
          kind: 'key-reused',
          message: `idempotency key was first used for a different ${prior.commandType} request`,
        };
  }
  const commandId = context.newId();
  const decision = decide(changes.book, withLockCommand(request, records), {
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
  retire(request, records, changes, commandId);
  return outcome;
}

/** An unlock that names its bid's lock key, with the command id that key locked with (null: none). */
function withLockCommand(request: CommandRequest, records: Map<string, IdempotencyRecord>): Command {
  const { command } = request;
  if (command.type !== 'UnlockBid' || !command.lockIdempotencyKey) return command;
  const lock = records.get(keyOf({ scope: request.scope, idempotencyKey: command.lockIdempotencyKey }));
  return { ...command, lockCommandId: lock?.outcome === 'ACCEPTED' ? lock.commandId : null };
}

/** The key of a request a command settles in advance: an unlock's bid lock. */
function retiredKeyOf(command: Command): string | null {
  return command.type === 'UnlockBid' ? (command.lockIdempotencyKey ?? null) : null;
}

/** What a retired key answers: a refusal, whatever the request that comes with it. */
const RETIRED_HASH = 'retired';

/** Records a refusal for the key the command retires, unless that key has already run. */
function retire(
  request: CommandRequest,
  records: Map<string, IdempotencyRecord>,
  changes: BatchChanges,
  commandId: string,
): void {
  const retired = retiredKeyOf(request.command);
  if (!retired) return;
  const key = keyOf({ scope: request.scope, idempotencyKey: retired });
  if (records.has(key)) return;
  const record = {
    scope: request.scope,
    idempotencyKey: retired,
    commandType: 'LockBid',
    requestHash: RETIRED_HASH,
    commandId,
    outcome: 'REJECTED' as const,
    response: domainError(
      'WALLET_BID_LOCK_RELEASED',
      'this bid was released before its lock arrived; nothing was locked for it',
    ),
  };
  changes.record(record);
  records.set(key, record);
}

function replay(stored: Pick<StoredCommand, 'outcome' | 'response'>): CommandOutcome {
  return stored.outcome === 'ACCEPTED'
    ? { kind: 'accepted', result: stored.response as CommandResult, replayed: true }
    : { kind: 'rejected', error: stored.response as DomainError, replayed: true };
}
