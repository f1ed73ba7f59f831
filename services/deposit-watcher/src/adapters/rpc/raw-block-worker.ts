/**
 * The raw block decoder's worker thread (raw-block-decoder.ts): decodes each block it is sent with the
 * same `decodeRawBlockLayout` as the event loop's `decodeRawBlock`, one at a time in the order sent, and
 * answers with the layout (its typed arrays transferred, not copied) or the RawBlockError's message. Any other error is a bug: it is left uncaught, so the worker dies and
 * the event loop decodes that block itself (and meets the same error there).
 */
import { parentPort } from 'node:worker_threads';
import { decodeRawBlockLayout, RawBlockError, transferablesOf } from './raw-block.js';
import type { DecodeAnswer, DecodeRequest } from './raw-block-decoder.js';

const port = parentPort;
if (port === null) throw new Error('raw-block-worker.ts runs only as a worker thread');
port.on('message', (request: DecodeRequest) => {
  let answer: DecodeAnswer;
  try {
    const { bytes } = request;
    const layout = decodeRawBlockLayout(
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      request,
    );
    answer = { id: request.id, layout };
    port.postMessage(answer, transferablesOf(layout));
  } catch (error) {
    if (!(error instanceof RawBlockError)) throw error;
    answer = { id: request.id, refused: error.message };
    port.postMessage(answer);
  }
});
