/**
 * State on disk, so a restarted simulator is the same node. Blocks are append-only (blocks.jsonl, one
 * line per block in arrival order, fsynced before the RPC answers, like blk*.dat); everything that
 * changes in place (active tip, invalidated blocks, mempool, faucet key, mock time) is a snapshot
 * written to a temporary file, fsynced and renamed over state.json, so a crash leaves either the old
 * or the new snapshot. A torn last block line from a crash is ignored on load.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

export interface StoredBlock {
  hex: string;
  seq: number;
}

export interface StoredMempoolTx {
  hex: string;
  time: number;
}

export interface StoredState {
  version: 1;
  tip: string;
  invalidated: string[];
  mempool: StoredMempoolTx[];
  faucetWif: string;
  mockTime: number;
}

const STATE_FILE = 'state.json';
const BLOCKS_FILE = 'blocks.jsonl';

export class Store {
  private blocksFd: number | undefined;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  loadBlocks(): StoredBlock[] {
    const path = join(this.dir, BLOCKS_FILE);
    if (!existsSync(path)) return [];
    const text = readFileSync(path, 'utf8');
    const lines = text.split('\n');
    const blocks: StoredBlock[] = [];
    let torn = !text.endsWith('\n') && text.length > 0;
    for (const [i, line] of lines.entries()) {
      if (line.trim() === '') continue;
      try {
        blocks.push(JSON.parse(line) as StoredBlock);
      } catch (error) {
        // Only the last line can be torn by a crash; anything earlier is corruption.
        if (i < lines.length - 1)
          throw new Error(`corrupt block log ${path} at line ${i + 1}`, { cause: error });
        torn = true;
      }
    }
    // Cut the torn tail off before anything is appended after it.
    if (torn) this.rewriteBlocks(blocks);
    return blocks;
  }

  loadState(): StoredState | undefined {
    const path = join(this.dir, STATE_FILE);
    if (!existsSync(path)) return undefined;
    return JSON.parse(readFileSync(path, 'utf8')) as StoredState;
  }

  appendBlock(block: StoredBlock): void {
    this.blocksFd ??= openSync(join(this.dir, BLOCKS_FILE), 'a');
    writeSync(this.blocksFd, `${JSON.stringify(block)}\n`);
    fsyncSync(this.blocksFd);
  }

  /** Rewrite the whole block log (a torn tail was dropped on load). */
  rewriteBlocks(blocks: StoredBlock[]): void {
    this.close();
    const path = join(this.dir, BLOCKS_FILE);
    writeAtomically(path, blocks.map((b) => `${JSON.stringify(b)}\n`).join(''));
  }

  saveState(state: StoredState): void {
    writeAtomically(join(this.dir, STATE_FILE), JSON.stringify(state));
  }

  close(): void {
    if (this.blocksFd !== undefined) closeSync(this.blocksFd);
    this.blocksFd = undefined;
  }
}

function writeAtomically(path: string, text: string): void {
  const temporary = `${path}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}
