/**
 * Start the simulator in-process (tests, benchmarks) or from main.ts: the node, its persisted state
 * and the HTTP server, stopped together.
 */
import { RegtestNode, type NodeOptions } from './node.js';
import type { Logger } from './rpc/dispatch.js';
import { RpcServer } from './server.js';

export { ECPair, RegtestNode } from './node.js';
export { methodNames } from './rpc/dispatch.js';
export type { FaultMode } from './control.js';

export interface StartOptions extends NodeOptions {
  host?: string;
  /** 0 picks a free port. */
  port: number;
  user: string;
  password: string;
  log?: Logger;
}

export interface RunningSimulator {
  node: RegtestNode;
  server: RpcServer;
  url: string;
  stop(): Promise<void>;
}

export async function startRegtestNode(options: StartOptions): Promise<RunningSimulator> {
  const node = RegtestNode.open(options);
  const host = options.host ?? '127.0.0.1';
  const server = new RpcServer({
    node,
    host,
    port: options.port,
    user: options.user,
    password: options.password,
    log: options.log ?? ((message, error) => console.error(message, error)),
  });
  const port = await server.start();
  return {
    node,
    server,
    url: `http://${host}:${port}`,
    async stop() {
      await server.stop();
      node.close();
    },
  };
}
