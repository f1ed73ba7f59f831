/**
 * The benchmarks' HTTP client: node:http on a keep-alive agent the caller sizes to its clients (fetch
 * would pool on its own terms), a bearer token and a fresh Idempotency-Key on every POST.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';

export interface Answer {
  status: number;
  body: string;
}

/** A keep-alive agent with one socket per closed-loop client. */
export function keepAliveAgent(clients: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: clients });
}

export function postJson(
  agent: http.Agent,
  port: number,
  route: string,
  token: string,
  body: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: route,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'idempotency-key': randomUUID(),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
