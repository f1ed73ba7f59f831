/**
 * The writes of one batch, collected and then sent as ONE statement: each write becomes a
 * data-modifying CTE (`WITH s0 AS (INSERT ... RETURNING 1), s1 AS (UPDATE ... RETURNING 1) ...`) and
 * the statement returns how many rows each wrote, each count checked against what it must write. The
 * writes touch different rows (new aggregates are inserted, known ones updated, each once), so one
 * snapshot serves them all, and foreign keys are checked at the end of the statement. One round trip
 * instead of one per table.
 */
import type { Knex } from 'knex';

/** Another transaction created or changed a row this batch expected to own: retry on fresh state. */
export class ConcurrentWriteError extends Error {
  constructor(what: string) {
    super(`concurrent write detected: ${what}`);
    this.name = 'ConcurrentWriteError';
  }
}

export interface Statement {
  what: string;
  /** Rows it must write, or null when any count is fine. */
  expected: number | null;
  sql: string;
  bindings: readonly unknown[];
}

export class WriteBatch {
  private readonly statements: Statement[] = [];

  add(statement: Statement): void {
    if (statement.expected === 0) return;
    this.statements.push(statement);
  }

  async run(trx: Knex.Transaction): Promise<void> {
    const statements = this.statements.splice(0);
    if (statements.length === 0) return;
    const ctes = statements.map((statement, index) => `s${index} AS (${statement.sql} RETURNING 1)`);
    const counts = statements.map((_, index) => `(SELECT COUNT(*) FROM s${index})::int AS c${index}`);
    const result = await trx.raw<{ rows: Record<string, number>[] }>(
      `WITH ${ctes.join(',\n')}\nSELECT ${counts.join(', ')}`,
      statements.flatMap((statement) => statement.bindings) as Knex.RawBinding[],
    );
    const [written] = result.rows;
    statements.forEach((statement, index) => {
      const count = written?.[`c${index}`] ?? 0;
      if (statement.expected !== null && count !== statement.expected)
        throw new ConcurrentWriteError(`${statement.what}: wrote ${count} of ${statement.expected}`);
    });
  }
}
