/**
 * Where a raw block is decoded: on the event loop (`inlineRawBlockDecoder`), or on a worker thread
 * (`WorkerRawBlockDecoder`, the default since 2026-12-06). Decoding a full 1 MB block (bitcoinjs-lib's
 * Transaction.fromBuffer and two SHA-256d per transaction) is pure CPU; on the event loop it blocked
 * everything else, so the follower's prefetch overlapped only I/O. On a worker, block N+1 decodes on the
 * second core while block N is matched and committed on the first (bench:deposits scan, "as in
 * catch-up"). Nothing about the order changes: the follower still takes, checks and commits blocks one
 * height at a time (follow-chain.ts), and a reorg discards what was fetched ahead exactly as before.
 *
 * Both decoders give the same answer for the same bytes: the worker runs the same checks and decoding
 * (`decodeRawBlockLayout`) and the event loop the same `blockFromLayout` as `decodeRawBlock` does, and a
 * RawBlockError there is a RawBlockError here (so the JSON fallback still applies). A worker that
 * fails (crashes, exits, cannot start, or does not answer within `timeoutMs`) is reported and thrown
 * away; every block it still held is decoded inline instead, and the next block starts a new worker. So
 * a broken worker costs speed, never a block, and the poll does not hang on it.
 */
import { Worker } from 'node:worker_threads';
import type { BlockRef, ChainBlock } from '../../domain/chain.js';
import {
  blockFromLayout,
  bytesOfHex,
  decodeRawBlock,
  RawBlockError,
  type RawBlockLayout,
} from './raw-block.js';

export interface RawBlockDecoder {
  /** The block `expected` from its serialized hex; rejects with RawBlockError when the bytes are not it. */
  decode(hex: string, expected: BlockRef): Promise<ChainBlock>;
  /** Stops the worker, if any; decodes still pending are rejected. */
  close(): Promise<void>;
}

/** Decodes on the caller's thread (tests, DEPOSIT_BLOCK_DECODER=inline, and a failed worker's blocks). */
export const inlineRawBlockDecoder: RawBlockDecoder = {
  decode: (hex, expected) => new Promise((resolve) => resolve(decodeRawBlock(hex, expected))),
  close: () => Promise.resolve(),
};

/** What the event loop sends the worker: the block's bytes, transferred (see bytesOfHex). */
export interface DecodeRequest {
  id: number;
  bytes: Uint8Array;
  hash: string;
  height: number;
}

/**
 * The worker's answer: the block's layout (its typed arrays transferred; the event loop cuts the
 * strings from the hex it sent), or the RawBlockError's message.
 */
export type DecodeAnswer = { id: number; layout: RawBlockLayout } | { id: number; refused: string };

/** The worker's entry: a plain module that loads raw-block-worker.ts through tsx (see there). */
export const RAW_BLOCK_WORKER_ENTRY = new URL('./raw-block-worker.mjs', import.meta.url);
export const DEFAULT_DECODE_TIMEOUT_MS = 30_000;

export interface WorkerRawBlockDecoderOptions {
  /** The worker's entry module (tests swap in one that fails). */
  entry?: URL;
  /** A block the worker has not answered this long after it was sent fails the worker. */
  timeoutMs?: number;
  /** The worker failed; the blocks it held were decoded inline. Must not throw. */
  onWorkerFailure?(reason: string): void;
}

interface Job {
  id: number;
  hex: string;
  expected: BlockRef;
  timer: NodeJS.Timeout;
  resolve(block: ChainBlock): void;
  reject(error: unknown): void;
}

export class WorkerRawBlockDecoder implements RawBlockDecoder {
  readonly #entry: URL;
  readonly #timeoutMs: number;
  readonly #onWorkerFailure: (reason: string) => void;
  readonly #jobs = new Map<number, Job>();
  #worker: Worker | undefined;
  #nextId = 1;
  #closed = false;

  constructor(options: WorkerRawBlockDecoderOptions = {}) {
    this.#entry = options.entry ?? RAW_BLOCK_WORKER_ENTRY;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_DECODE_TIMEOUT_MS;
    this.#onWorkerFailure = (reason) => options.onWorkerFailure?.(reason);
  }

  /** Starts the worker now rather than at the first block (it takes a moment to load). */
  start(): void {
    if (this.#worker === undefined && !this.#closed) this.#worker = this.#spawn();
  }

  decode(hex: string, expected: BlockRef): Promise<ChainBlock> {
    if (this.#closed) return Promise.reject(new Error('the raw block decoder was closed'));
    try {
      this.start();
    } catch (error) {
      // No thread could be made (ERR_WORKER_INIT_FAILED, out of resources): this block is decoded inline,
      // and the next one tries a worker again.
      this.#onWorkerFailure(
        `worker could not start: ${error instanceof Error ? error.message : String(error)}`,
      );
      return inlineRawBlockDecoder.decode(hex, expected);
    }
    const worker = this.#worker!;
    return new Promise<ChainBlock>((resolve, reject) => {
      const bytes = bytesOfHex(hex); // not whole bytes of hex: a RawBlockError, as inline
      const id = this.#nextId++;
      const timer = setTimeout(
        () => this.#fail(worker, `no answer for block ${expected.hash} within ${this.#timeoutMs} ms`),
        this.#timeoutMs,
      );
      this.#jobs.set(id, { id, hex, expected, timer, resolve, reject });
      worker.ref(); // a block in flight keeps the process up; an idle worker does not
      const request: DecodeRequest = { id, bytes, hash: expected.hash, height: expected.height };
      worker.postMessage(request, [bytes.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    this.#worker = undefined;
    for (const job of this.#takeJobs()) job.reject(new Error('the raw block decoder was closed'));
    if (worker !== undefined) await worker.terminate();
  }

  #spawn(): Worker {
    const worker = new Worker(this.#entry);
    worker.unref();
    worker.on('message', (answer: DecodeAnswer) => this.#answer(worker, answer));
    worker.on('error', (error: Error) => this.#fail(worker, `worker error: ${error.message}`));
    worker.on('messageerror', (error: Error) => this.#fail(worker, `unreadable answer: ${error.message}`));
    worker.on('exit', (code: number) => this.#fail(worker, `worker exited with code ${code}`));
    return worker;
  }

  #answer(worker: Worker, answer: DecodeAnswer): void {
    if (worker !== this.#worker) return;
    const job = this.#jobs.get(answer.id);
    if (job === undefined) return;
    this.#jobs.delete(answer.id);
    clearTimeout(job.timer);
    if ('layout' in answer) job.resolve(blockFromLayout(job.hex, answer.layout));
    else job.reject(new RawBlockError(answer.refused));
    if (this.#jobs.size === 0) worker.unref();
  }

  /** Drops `worker` (once: its error and exit both land here) and decodes what it held inline. */
  #fail(worker: Worker, reason: string): void {
    if (worker !== this.#worker) return;
    this.#worker = undefined;
    void worker.terminate();
    const jobs = this.#takeJobs();
    this.#onWorkerFailure(reason);
    for (const job of jobs) {
      try {
        job.resolve(decodeRawBlock(job.hex, job.expected));
      } catch (error) {
        job.reject(error);
      }
    }
  }

  #takeJobs(): Job[] {
    const jobs = [...this.#jobs.values()].sort((a, b) => a.id - b.id);
    this.#jobs.clear();
    for (const job of jobs) clearTimeout(job.timer);
    return jobs;
  }
}
