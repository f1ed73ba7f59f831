// Proves that a request the database could not serve (Postgres unreachable, restarting, or aborting the
// transaction) is answered 503 ORDER_UNAVAILABLE, to be retried, and that any other error is left to the
// platform's handler (a 500 that is logged as a bug).
import { expect } from 'chai';
import type { NextFunction, Request, Response } from 'express';
import { HttpError } from '@dbay/platform';
import { databaseUnavailable } from '../src/entrypoints/http/error-table.js';

function passedOn(error: unknown): unknown {
  let passed: unknown;
  const next: NextFunction = (value?: unknown) => {
    passed = value;
  };
  void databaseUnavailable(error, {} as Request, {} as Response, next);
  return passed;
}

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe('order HTTP: the database unavailable', () => {
  it('answers 503 ORDER_UNAVAILABLE when Postgres refuses, shuts down, or aborts the transaction', () => {
    for (const error of [
      withCode('ECONNREFUSED'),
      withCode('57P01', 'terminating connection due to administrator command'),
      withCode('40P01', 'deadlock detected'),
      new Error('Connection terminated unexpectedly'),
    ]) {
      const passed = passedOn(error);
      expect(passed, error.message).to.be.instanceOf(HttpError);
      expect(passed).to.include({ status: 503, code: 'ORDER_UNAVAILABLE' });
    }
  });

  it('leaves any other error as it is', () => {
    const bug = new TypeError('cannot read properties of undefined');
    expect(passedOn(bug)).to.equal(bug);
    expect(passedOn(withCode('23505', 'duplicate key')))
      .to.be.instanceOf(Error)
      .and.not.instanceOf(HttpError);
  });
});
