/**
 * The HTTP side of Core's RPC server (src/httprpc.cpp, src/httpserver.cpp): POST / only, basic auth
 * checked against -rpcuser/-rpcpassword with a 250 ms pause after a wrong password, 401 with
 * WWW-Authenticate and no body, 404 with no body for any other path. The control surface lives under
 * /control/ and can make the RPC path misbehave on purpose (faults) for circuit-breaker tests.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ControlError, CONTROL_STATUS, runControl, type FaultControl, type FaultMode } from './control.js';
import type { RegtestNode } from './node.js';
import { handleRpcBody, type Logger } from './rpc/dispatch.js';

export interface ServerOptions {
  node: RegtestNode;
  host: string;
  port: number;
  user: string;
  password: string;
  log: Logger;
}

/** httpserver.cpp MAX_SIZE for a request body, and the pause that deters password guessing. */
const MAX_BODY_BYTES = 0x02000000;
const WRONG_PASSWORD_DELAY_MS = 250;
const WWW_AUTHENTICATE = 'Basic realm="jsonrpc"';

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) resolve(null);
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class RpcServer implements FaultControl {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly held = new Set<ServerResponse>();
  private fault: { mode: FaultMode; until: number } | undefined;
  private faultTimer: NodeJS.Timeout | undefined;
  private boundPort = 0;
  private readonly expected: Buffer;

  constructor(private readonly options: ServerOptions) {
    this.expected = Buffer.from(`${options.user}:${options.password}`);
  }

  get port(): number {
    return this.boundPort;
  }

  async start(): Promise<number> {
    await this.listen(this.options.port);
    return this.boundPort;
  }

  async stop(): Promise<void> {
    if (this.faultTimer) clearTimeout(this.faultTimer);
    this.fault = undefined;
    await this.closeListener();
  }

  currentFault(): FaultMode | 'none' {
    return this.fault && this.fault.until > Date.now() ? this.fault.mode : 'none';
  }

  setFault(mode: FaultMode | 'none', forMs: number): { mode: FaultMode | 'none'; until: string | null } {
    if (this.faultTimer) clearTimeout(this.faultTimer);
    this.releaseHeld();
    if (mode === 'none') {
      this.fault = undefined;
      return { mode, until: null };
    }
    const until = Date.now() + forMs;
    this.fault = { mode, until };
    this.faultTimer = setTimeout(() => void this.endFault(), forMs);
    // "down" closes the port once this control call has been answered.
    if (mode === 'down') setImmediate(() => void this.closeListener());
    return { mode, until: new Date(until).toISOString() };
  }

  private async endFault(): Promise<void> {
    const wasDown = this.fault?.mode === 'down';
    this.fault = undefined;
    this.releaseHeld();
    if (wasDown && !this.server) await this.listen(this.boundPort);
  }

  private releaseHeld(): void {
    for (const res of this.held) res.socket?.destroy();
    this.held.clear();
  }

  private listen(port: number): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 30_000;
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.options.host, () => {
        server.off('error', reject);
        const address = server.address();
        this.boundPort = typeof address === 'object' && address ? address.port : port;
        this.server = server;
        resolve();
      });
    });
  }

  private closeListener(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.held.clear();
    if (!server) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  private authorized(req: IncomingMessage): boolean | 'missing' {
    const header = req.headers.authorization;
    if (header === undefined) return 'missing';
    if (!header.startsWith('Basic ')) return false;
    const given = Buffer.from(Buffer.from(header.slice(6).trim(), 'base64').toString('utf8'));
    return given.length === this.expected.length && timingSafeEqual(given, this.expected);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = req.url ?? '/';
      if (url === '/') await this.handleRpc(req, res);
      else if (url.startsWith('/control/')) await this.handleControl(url.slice('/control/'.length), req, res);
      else res.writeHead(404).end();
    } catch (error) {
      this.options.log('request failed', error);
      if (!res.headersSent) res.writeHead(500).end();
    }
  }

  /** Refuse like Core; true when the request may go on. */
  private async authenticate(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const auth = this.authorized(req);
    if (auth === true) return true;
    if (auth === false) await sleep(WRONG_PASSWORD_DELAY_MS);
    res.writeHead(401, { 'WWW-Authenticate': WWW_AUTHENTICATE }).end();
    return false;
  }

  private async handleRpc(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const fault = this.currentFault();
    if (fault === 'hang') {
      this.held.add(res);
      return;
    }
    if (fault === '500') {
      res.writeHead(500).end();
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { 'Content-Type': 'text/html; charset=ISO-8859-1' });
      res.end('JSONRPC server handles only POST requests');
      return;
    }
    if (!(await this.authenticate(req, res))) return;
    const body = await readBody(req);
    if (body === null) {
      res.writeHead(413).end();
      return;
    }
    if (fault === 'garbage') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"result":{"blocks":12,"hea');
      return;
    }
    const reply = handleRpcBody(body, this.options.node, this.options.log);
    res.writeHead(reply.status, { 'Content-Type': 'application/json' }).end(reply.body);
  }

  private async handleControl(command: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!(await this.authenticate(req, res))) return;
    const text = (await readBody(req)) ?? '';
    const send = (status: number, value: unknown): void => {
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(`${JSON.stringify(value)}\n`);
    };
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = text.trim() === '' ? {} : JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch {
      send(400, { error: { code: 'REGTEST_BAD_REQUEST', message: 'the body must be a JSON object' } });
      return;
    }
    try {
      send(200, { result: runControl(command, body, this.options.node, this) });
    } catch (error) {
      if (!(error instanceof ControlError)) throw error;
      send(CONTROL_STATUS[error.code], { error: { code: error.code, message: error.message } });
    }
  }
}
