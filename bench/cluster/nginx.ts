/**
 * nginx (Debian's package) as the load balancer in front of the REST servers, with a
 * configuration generated into the run directory (never the system one).
 *
 * Retries to the next server: on a connection error or a connect timeout only — a server
 * that was killed or is restarting. `non_idempotent` lets POSTs be retried too: the
 * contract's creating writes carry an Idempotency-Key (the same key returns the first
 * result) and its other writes are idempotent by their own ids (a payment by its order,
 * a notification by channelTxnId, a fulfilment event by referenceId, cancel/receipt/refund
 * decisions by the state machine), so a POST that may have reached a dying server is
 * safe to send again — exactly what a client would do. A 5xx answer is passed through
 * (a 503 while the database is down is the same on every server), and the client retries it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { abortIfExited, spawnManaged, type ManagedProcess } from '../../platform/infra/processes';
import { waitForPort } from '../../platform/infra/wait';

export interface NginxOptions {
  binary: string;
  runDir: string;
  port: number;
  upstreams: number[];
}

export function nginxConfig(opts: NginxOptions, prefix: string): string {
  const temp = (name: string) => path.join(prefix, name);
  return `# The cluster rehearsal's load balancer (generated).
worker_processes 1;
daemon off;
pid ${temp('nginx.pid')};
error_log ${temp('nginx-error.log')} warn;
events { worker_connections 2048; }
http {
  access_log off;
  client_body_temp_path ${temp('client_body')};
  proxy_temp_path ${temp('proxy')};
  fastcgi_temp_path ${temp('fastcgi')};
  uwsgi_temp_path ${temp('uwsgi')};
  scgi_temp_path ${temp('scgi')};
  upstream platform {
${opts.upstreams.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;`).join('\n')}
    keepalive 32;
  }
  server {
    listen 127.0.0.1:${opts.port};
    client_max_body_size 1m;
    location / {
      proxy_pass http://platform;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_connect_timeout 2s;
      proxy_read_timeout 120s;
      proxy_next_upstream error timeout non_idempotent;
      proxy_next_upstream_tries ${opts.upstreams.length};
    }
  }
}
`;
}

export async function startNginx(opts: NginxOptions): Promise<ManagedProcess> {
  const prefix = path.join(opts.runDir, 'nginx');
  fs.mkdirSync(prefix, { recursive: true });
  const conf = path.join(prefix, 'nginx.conf');
  fs.writeFileSync(conf, nginxConfig(opts, prefix));
  const log = path.join(prefix, 'nginx-error.log');
  const proc = spawnManaged('nginx', opts.binary, ['-p', prefix, '-e', log, '-c', conf], { output: { file: path.join(prefix, 'nginx.out') }, stopSignal: 'SIGQUIT', killAfterMs: 10_000 });
  await waitForPort('127.0.0.1', opts.port, { timeoutMs: 20_000, abortIf: abortIfExited(proc, log) });
  return proc;
}
