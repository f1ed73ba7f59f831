// Proves that a benchmark's teardown undoes what it started in reverse order, exactly once however many
// times it is asked (the end of main and a Ctrl-C may both ask), and that one failing step does not keep
// the others from running (a broker that would not stop must not leave a database behind).
import { expect } from 'chai';
import { Teardown } from '../teardown.js';

describe('bench teardown', () => {
  let originalError: typeof console.error;
  let reported: unknown[][];

  beforeEach(() => {
    originalError = console.error;
    reported = [];
    console.error = (...args: unknown[]) => reported.push(args);
  });

  afterEach(() => {
    console.error = originalError;
  });

  it('runs the steps last registered first, once', async () => {
    const undone: string[] = [];
    const teardown = new Teardown();
    teardown.add('database', () => void undone.push('database'));
    teardown.add('broker', () => void undone.push('broker'));
    teardown.add('service', () => void undone.push('service'));
    await Promise.all([teardown.run(), teardown.run()]);
    await teardown.run();
    expect(undone).to.deep.equal(['service', 'broker', 'database']);
  });

  it('reports a failing step and still runs the rest', async () => {
    const undone: string[] = [];
    const teardown = new Teardown();
    teardown.add('database', () => void undone.push('database'));
    teardown.add('broker', () => Promise.reject(new Error('would not stop')));
    await teardown.run();
    expect(undone).to.deep.equal(['database']);
    expect(String(reported[0]?.[0])).to.contain('broker');
  });
});
