/**
 * A merchant's webhook endpoint for tests: a small HTTP server on 127.0.0.1 that
 * records every request and answers with whatever status the test says.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  at: number;
  headers: http.IncomingHttpHeaders;
  body: any;
  raw: string;
  answered: number;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Decides the status for each request (default 200). */
  respond: (req: { body: any; headers: http.IncomingHttpHeaders; nth: number }) => number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const receiver: WebhookReceiver = {
    url: '',
    received,
    respond: () => 200,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = raw ? JSON.parse(raw) : undefined;
      const nth = received.filter((r) => r.body?.eventId === body?.eventId).length + 1;
      const answered = receiver.respond({ body, headers: req.headers, nth });
      received.push({ at: Date.now(), headers: req.headers, body, raw, answered });
      res.writeHead(answered, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/orders`;
  return receiver;
}

export const signatureOf = (secret: string, raw: string) => `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
