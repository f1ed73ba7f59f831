/**
 * Command line for the simulator's control surface and for plain RPC calls, like dogecoin-cli:
 *
 *   node --import tsx tools/regtest-node/src/cli.ts status
 *   ... fund <address> <amountDOGE> [<address> <amountDOGE> ...]
 *   ... mine <n> [address]
 *   ... reorg <depth> [--blocks n] [--drop <txid>]... [--drop-returned] [--address a]
 *   ... drop-mempool <txid>
 *   ... congestion <minFeePerKbDOGE|off>
 *   ... fault <garbage|500|down|hang|none> [forMs]
 *   ... rpc <method> [param ...]         (params parsed as JSON when they parse, else strings)
 *
 * It reads DOGECOIN_RPC_URL (default http://127.0.0.1:$DOGECOIN_RPC_PORT or 18332),
 * DOGECOIN_RPC_USER and DOGECOIN_RPC_PASSWORD.
 */
import { DEFAULT_RPC_PORT } from './config.js';

const USAGE = `usage: cli.ts status | fund <address> <amount>... | mine <n> [address]
       | reorg <depth> [--blocks n] [--drop txid]... [--drop-returned] [--address a]
       | drop-mempool <txid> | congestion <minFeePerKb|off> | fault <mode> [forMs]
       | rpc <method> [params...]`;

function endpoint(): { url: string; auth: string } {
  const user = process.env.DOGECOIN_RPC_USER;
  const password = process.env.DOGECOIN_RPC_PASSWORD;
  if (!user || !password) throw new Error('DOGECOIN_RPC_USER and DOGECOIN_RPC_PASSWORD must be set');
  const port = process.env.DOGECOIN_RPC_PORT ?? String(DEFAULT_RPC_PORT);
  const url = (process.env.DOGECOIN_RPC_URL ?? `http://127.0.0.1:${port}`).replace(/\/$/, '');
  return { url, auth: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

async function post(path: string, body: unknown): Promise<{ status: number; text: string }> {
  const { url, auth } = endpoint();
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

function parseParam(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function controlBody(command: string, args: string[]): Record<string, unknown> {
  switch (command) {
    case 'status':
      return {};
    case 'fund': {
      if (args.length === 0 || args.length % 2 !== 0) throw new Error(USAGE);
      const outputs = [];
      for (let i = 0; i < args.length; i += 2) outputs.push({ address: args[i], amount: args[i + 1] });
      return { outputs };
    }
    case 'mine':
      return { blocks: Number(args[0] ?? 1), ...(args[1] ? { address: args[1] } : {}) };
    case 'reorg': {
      const body: Record<string, unknown> = { depth: Number(args[0]), drop: [] as string[] };
      for (let i = 1; i < args.length; i++) {
        const flag = args[i];
        if (flag === '--drop-returned') body.dropReturned = true;
        else if (flag === '--drop') (body.drop as string[]).push(args[++i] ?? '');
        else if (flag === '--blocks') body.blocks = Number(args[++i]);
        else if (flag === '--address') body.address = args[++i];
        else throw new Error(USAGE);
      }
      return body;
    }
    case 'drop-mempool':
      return { txid: args[0] };
    case 'congestion':
      if (args.length !== 1) throw new Error(USAGE);
      return { minFeePerKb: args[0] === 'off' ? null : args[0] };
    case 'fault':
      return { mode: args[0], ...(args[1] ? { forMs: Number(args[1]) } : {}) };
    default:
      throw new Error(USAGE);
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command) throw new Error(USAGE);
  const reply =
    command === 'rpc'
      ? await post('/', { jsonrpc: '1.0', id: 'cli', method: args[0], params: args.slice(1).map(parseParam) })
      : await post(`/control/${command}`, controlBody(command, args));
  process.stdout.write(reply.text.endsWith('\n') ? reply.text : `${reply.text}\n`);
  return reply.status === 200 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
