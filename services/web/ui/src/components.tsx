/** The small pieces every page uses: loading, empty and error states in words, and amounts. */
import type { ReactNode } from 'react';
import { ApiError } from './lib/api.js';
import { errorSentence } from './lib/error-sentences.js';
import { showDogeText } from './lib/money.js';

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/** Any failure as a sentence: an API code through the table, anything else as a generic sentence. */
export function sentenceOf(error: unknown): string {
  if (error instanceof ApiError) return errorSentence(error.code);
  return errorSentence('INTERNAL_ERROR');
}

export function ErrorNote({ error, retry }: { error: unknown; retry?: () => void }) {
  if (!error) return null;
  return (
    <div className="error" role="alert">
      <p>{sentenceOf(error)}</p>
      {retry ? (
        <button type="button" onClick={retry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

export function Doge({ value, testId }: { value: string; testId?: string }) {
  return (
    <span className="amount" data-testid={testId} data-doge={value}>
      {showDogeText(value)}
    </span>
  );
}

export function When({ iso }: { iso: string | null }) {
  if (!iso) return null;
  return <time dateTime={iso}>{new Date(iso).toLocaleString()}</time>;
}
