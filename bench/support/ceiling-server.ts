/**
 * The HTTP ceiling: a bare express endpoint that parses the JSON body and answers,
 * doing nothing else — what this machine's node + express can serve at all.
 */
import express from 'express';
import type { AddressInfo } from 'node:net';

const app = express();
app.disable('x-powered-by');
app.use(express.json());
app.post('/ceiling', (_req, res) => {
  res.status(201).json({ ok: true });
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', Number(process.env.LISTEN_BACKLOG ?? 511), () => {
  console.log(`ceiling listening on ${(server.address() as AddressInfo).port}`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
