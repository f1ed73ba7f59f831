/**
 * `@dbay/chain-rpc/testing`, for unit tests only: an in-process HTTP server on a free loopback port
 * standing in for the node, so the client and the services' adapters over it are tested through a
 * real transport (sockets, status codes, bodies, timeouts) without the stack. Each test sets `answer`
 * to decide what the "node" does with a request, and reads back `requests`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DogecoinRpcClient, type BreakerOptions, type RpcHooks } from './client.js';

export const RPC_USER = 'chain-rpc-test';
export const RPC_PASSWORD = 'S3cret-Rpc-Pa55word';

export interface RpcRequest {
  id: number;
  method: string;
  params: unknown[];
  jsonrpc: string;
  authorization: string | undefined;
}

export type Answer = (request: RpcRequest, response: ServerResponse) => void;

/** Answers `result` as Core does: HTTP 200, the id echoed, error null. `result` is raw JSON text. */
export function resultAnswer(resultJson: string): Answer {
  return (request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(`{"result":${resultJson},"error":null,"id":${request.id}}`);
  };
}

/** Answers a Core error object, with the HTTP status Core uses for it (500, or 404 for -32601). */
export function errorAnswer(code: number, message: string): Answer {
  return (request, response) => {
    response.writeHead(code === -32601 ? 404 : 500, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ result: null, error: { code, message }, id: request.id }));
  };
}

export class FakeNode {
  answer: Answer = resultAnswer('null');
  readonly requests: RpcRequest[] = [];
  private readonly server: Server = createServer((request, response) => this.handle(request, response));
  private port = 0;

  static async start(): Promise<FakeNode> {
    const node = new FakeNode();
    await new Promise<void>((resolve) => node.server.listen(0, '127.0.0.1', resolve));
    node.port = (node.server.address() as AddressInfo).port;
    return node;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  /** A client of this node with a small breaker, unless the test says otherwise. */
  client(
    options: { timeoutMs?: number; breaker?: Partial<BreakerOptions>; password?: string } = {},
    hooks: RpcHooks = {},
  ): DogecoinRpcClient {
    return new DogecoinRpcClient(
      {
        url: this.url,
        user: RPC_USER,
        password: options.password ?? RPC_PASSWORD,
        timeoutMs: options.timeoutMs ?? 2_000,
        breaker: {
          errorThresholdPercentage: 50,
          volumeThreshold: 1_000,
          rollingCountTimeoutMs: 10_000,
          resetTimeoutMs: 60_000,
          ...options.breaker,
        },
      },
      hooks,
    );
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Omit<RpcRequest, 'authorization'>;
      const rpc = { ...body, authorization: request.headers.authorization };
      this.requests.push(rpc);
      this.answer(rpc, response);
    });
  }
}

/** A loopback URL nothing listens on: a port that was free a moment ago. */
export async function refusingUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/`;
}
