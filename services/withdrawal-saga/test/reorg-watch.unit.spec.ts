// Proves the decisions of the watch after withdrawal.confirmed: which look at a confirmed transaction
// raises which withdrawal.reorged alert, once per change of where it stands, and that the only way
// back from an exit is the full confirmation depth again.
import { expect } from 'chai';
import { decideWatch, type ChainLook, type ChainExit } from '../src/domain/reorg-watch.js';

const OLD_BLOCK = 'aa'.repeat(32);
const NEW_BLOCK = 'bb'.repeat(32);
const REQUIRED = 6;

const inChain = (blockHash: string, confirmations: number): ChainLook => ({
  kind: 'in-chain',
  sighting: { blockHash, blockHeight: 100, confirmations },
});
const refused = (spent: string[]): ChainLook => ({
  kind: 'refused',
  error: '-25: Missing inputs',
  inputsSpentElsewhere: spent,
});
const decide = (chainExit: ChainExit | null, look: ChainLook) =>
  decideWatch({ chainExit, blockHash: OLD_BLOCK }, look, REQUIRED);

describe('the watch after withdrawal.confirmed (decideWatch)', () => {
  it('says nothing while the transaction stays in the block it was confirmed in', () => {
    expect(decide(null, inChain(OLD_BLOCK, 9))).to.deep.include({ chainExit: null, stage: null });
  });

  it('reports MOVED, with no exit, when a reorganisation mined it again in another block', () => {
    const decision = decide(null, inChain(NEW_BLOCK, 2));
    expect(decision).to.deep.include({ chainExit: null, stage: 'MOVED' });
    expect(decision.inChain?.blockHash).to.equal(NEW_BLOCK);
  });

  it('reports LEFT_CHAIN once when it is back in the mempool or was sent again', () => {
    for (const look of [{ kind: 'in-mempool' }, { kind: 'sent-again' }] as ChainLook[]) {
      expect(decide(null, look)).to.deep.equal({
        chainExit: 'LEFT_CHAIN',
        stage: 'LEFT_CHAIN',
        inChain: null,
      });
      expect(decide('LEFT_CHAIN', look)).to.deep.equal({
        chainExit: 'LEFT_CHAIN',
        stage: null,
        inChain: null,
      });
    }
  });

  it('reports CONFLICTED once when an input is spent elsewhere, from in the chain or from LEFT_CHAIN', () => {
    const look = refused(['cc'.repeat(32) + ':0']);
    expect(decide(null, look)).to.deep.include({ chainExit: 'CONFLICTED', stage: 'CONFLICTED' });
    expect(decide('LEFT_CHAIN', look)).to.deep.include({ chainExit: 'CONFLICTED', stage: 'CONFLICTED' });
    expect(decide('CONFLICTED', look)).to.deep.include({ chainExit: 'CONFLICTED', stage: null });
  });

  it('treats a refusal without a spent input as LEFT_CHAIN, tried again on the next look', () => {
    expect(decide(null, refused([]))).to.deep.include({ chainExit: 'LEFT_CHAIN', stage: 'LEFT_CHAIN' });
    expect(decide('LEFT_CHAIN', refused([]))).to.deep.include({ chainExit: 'LEFT_CHAIN', stage: null });
    expect(decide('CONFLICTED', refused([]))).to.deep.include({ chainExit: 'CONFLICTED', stage: null });
  });

  it('goes back to CONFLICTED -> LEFT_CHAIN when the node takes the transaction again', () => {
    expect(decide('CONFLICTED', { kind: 'sent-again' })).to.deep.include({
      chainExit: 'LEFT_CHAIN',
      stage: 'LEFT_CHAIN',
    });
  });

  it('ends an exit only at the full confirmation depth again: BACK_IN_CHAIN', () => {
    for (const exit of ['LEFT_CHAIN', 'CONFLICTED'] as const) {
      const shallow = decide(exit, inChain(NEW_BLOCK, REQUIRED - 1));
      expect(shallow).to.deep.include({ chainExit: exit, stage: null });
      expect(shallow.inChain?.blockHash).to.equal(NEW_BLOCK);
      expect(decide(exit, inChain(NEW_BLOCK, REQUIRED))).to.deep.include({
        chainExit: null,
        stage: 'BACK_IN_CHAIN',
      });
    }
  });
});
