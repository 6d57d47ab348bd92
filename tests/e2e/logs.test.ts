/**
 * Log lines that find a request, an order and its workflow again: a server and a worker
 * logging at info, one order created and paid with the client's own X-Request-Id, and
 * their JSON log lines read back.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnServer } from '../../platform/infra/app-processes';
import type { ManagedProcess } from '../../platform/infra/processes';
import { fileSize, freePort, waitForHttp } from '../../platform/infra/wait';
import { closeDatabase, eventually, KEYS, makeSku, makeUser, uid } from '../support/api';
import { killWorker, startWorker, testEnv } from '../support/test-env';

type LogLine = Record<string, unknown> & { msg?: string };

/** The JSON lines written to `file` since byte `from` (other lines, such as "worker ready", skipped). */
function jsonLines(file: string, from: number): LogLine[] {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const buf = Buffer.alloc(Math.max(0, size - from));
    fs.readSync(fd, buf, 0, buf.length, from);
    return buf
      .toString('utf8')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as LogLine);
  } finally {
    fs.closeSync(fd);
  }
}

let server: ManagedProcess | undefined;
let baseUrl = '';
let serverLog = '';

beforeAll(async () => {
  const env = testEnv();
  await killWorker('SIGTERM');
  await startWorker(180_000, { LOG_LEVEL: 'info' });
  const port = await freePort();
  serverLog = path.join(path.dirname(env.serverLog), 'server-logs-test.log');
  server = spawnServer({ root: env.root, env: { ...process.env, ...env.childEnv, PORT: String(port), LOG_LEVEL: 'info' }, output: { file: serverLog }, exitHook: false, unref: true });
  baseUrl = `http://127.0.0.1:${port}`;
  await waitForHttp(`${baseUrl}/readyz`, 120_000);
}, 300_000);

afterAll(async () => {
  await server?.stop(10_000);
  // Give the suite back a worker with the harness's own settings.
  await killWorker('SIGTERM');
  await startWorker();
  await closeDatabase();
});

async function send(method: string, urlPath: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${baseUrl}${urlPath}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.retail}`, ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, requestId: res.headers.get('x-request-id'), body: (await res.json()) as any };
}

describe('logs', () => {
  it('a request, and the activities it causes, log the request id, order id, workflow id and business line', async () => {
    const userId = await makeUser({ balance: 10_000 });
    const skuId = await makeSku({ price: 1_000, stock: 5 });
    const workerFrom = fileSize(testEnv().workerLog);
    const serverFrom = fileSize(serverLog);
    const createId = uid('req-create');
    const payId = uid('req-pay');

    const created = await send('POST', '/v1/orders', { userId, items: [{ skuId, quantity: 1 }], scene: { channel: 'app' } }, { 'x-request-id': createId, 'idempotency-key': uid('idem') });
    expect({ status: created.status, requestId: created.requestId }).toEqual({ status: 201, requestId: createId });
    const { orderId, workflowId, bizId } = created.body;
    const paid = await send('POST', `/v1/orders/${orderId}/payments`, { method: 'balance' }, { 'x-request-id': payId });
    expect({ status: paid.status, requestId: paid.requestId }).toEqual({ status: 200, requestId: payId });

    const ids = { orderId, workflowId, bizId };
    // The server's line for each request.
    const requestLines = await eventually(
      async () => jsonLines(serverLog, serverFrom).filter((l) => l.msg === 'request answered' && (l.requestId === createId || l.requestId === payId)),
      (ls) => ls.length === 2,
    );
    expect(requestLines.map(({ requestId, method, route, status, orderId: o, workflowId: w, bizId: b }) => ({ requestId, method, route, status, orderId: o, workflowId: w, bizId: b }))).toEqual([
      { requestId: createId, method: 'POST', route: '/v1/orders', status: 201, ...ids },
      { requestId: payId, method: 'POST', route: '/v1/orders/:orderId/payments', status: 200, ...ids },
    ]);

    // The worker's line for each activity, under the request that caused it.
    const activityLines = await eventually(
      async () => jsonLines(testEnv().workerLog, workerFrom).filter((l) => l.orderId === orderId && typeof l.activity === 'string'),
      (ls) => ls.some((l) => l.activity === 'payment.confirm'),
      60_000,
    );
    const byActivity = Object.fromEntries(activityLines.filter((l) => l.msg === 'activity completed').map((l) => [l.activity, { requestId: l.requestId, orderId: l.orderId, workflowId: l.workflowId, bizId: l.bizId }]));
    expect(byActivity).toMatchObject({
      'inventory.reserve': { requestId: createId, ...ids },
      'payment.freeze': { requestId: payId, ...ids },
      'payment.confirm': { requestId: payId, ...ids },
    });
    // Every one of the order's activity lines names its workflow, activity and attempt.
    const incomplete = activityLines.filter((l) => l.workflowId !== workflowId || typeof l.attempt !== 'number' || l.attempt < 1);
    expect(incomplete).toEqual([]);
  });

  it('generates a request id when there is none and replaces one that is not a plain token, never echoing it', async () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    const none = await send('GET', '/v1/identities', undefined);
    const odd = await send('GET', '/v1/identities', undefined, { 'x-request-id': 'abc def<script>' });
    const long = await send('GET', '/v1/identities', undefined, { 'x-request-id': 'x'.repeat(129) });
    const plain = await send('GET', '/v1/identities', undefined, { 'x-request-id': 'client-42.a:b_c' });
    expect([none, odd, long, plain].map((r) => ({ status: r.status, uuid: uuid.test(r.requestId ?? '') }))).toEqual([
      { status: 200, uuid: true },
      { status: 200, uuid: true },
      { status: 200, uuid: true },
      { status: 200, uuid: false },
    ]);
    expect(plain.requestId).toBe('client-42.a:b_c');
    expect(fs.readFileSync(serverLog, 'utf8')).not.toContain('<script>');
  });
});
