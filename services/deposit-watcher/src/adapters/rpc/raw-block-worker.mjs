// The entry of the raw block decoder's worker thread (raw-block-decoder.ts). Services run TypeScript
// through `node --import tsx`, but a worker thread does not get tsx's loader hooks (Node 20), so this
// plain module loads the worker's TypeScript through tsx's API.
import { tsImport } from 'tsx/esm/api';

await tsImport('./raw-block-worker.ts', import.meta.url);
