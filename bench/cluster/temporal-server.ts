/**
 * The Temporal server as a production cluster runs it: the pinned multi-service binary on
 * PostgreSQL (deploy/temporal/config.yaml), its schema set up with temporal-sql-tool from
 * the same module, the `default` namespace and the platform's search attributes registered
 * with the Temporal CLI (operator commands, as on any self-hosted cluster).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { SEARCH_ATTRIBUTES, waitForTemporal } from '../../platform/infra/temporal-dev-server';
import { abortIfExited, spawnManaged, type ManagedProcess } from '../../platform/infra/processes';
import type { ClusterSettings } from './settings';
import type { TemporalServerTools } from './temporal-install';
import type { PostgresServer } from './postgres-server';

const run = promisify(execFile);

export interface TemporalServerOptions {
  root: string;
  runDir: string;
  tools: TemporalServerTools;
  cliPath: string;
  postgres: PostgresServer;
  postgresPassword: string;
  settings: ClusterSettings;
  log: (msg: string) => void;
}

/** deploy/temporal/config.yaml with this run's ports and database address. */
function renderConfig(opts: TemporalServerOptions): string {
  const source = path.join(opts.root, 'deploy', 'temporal');
  const config = YAML.parse(fs.readFileSync(path.join(source, 'config.yaml'), 'utf8'));
  const { temporal, temporalMembership, temporalPg } = opts.settings.ports;
  for (const store of Object.values(config.persistence.datastores) as { sql: Record<string, unknown> }[]) {
    store.sql.connectAddr = `127.0.0.1:${temporalPg}`;
    store.sql.password = opts.postgresPassword;
  }
  for (const service of ['frontend', 'history', 'matching', 'worker'] as const) {
    config.services[service].rpc.grpcPort = temporal[service];
    config.services[service].rpc.membershipPort = temporalMembership[service];
  }
  config.services.frontend.rpc.httpPort = temporal.frontendHttp;
  config.global.metrics.prometheus.listenAddress = `127.0.0.1:${temporal.metrics}`;
  config.clusterMetadata.clusterInformation.active.rpcAddress = `127.0.0.1:${temporal.frontend}`;
  const dynamicConfig = path.join(opts.runDir, 'temporal-dynamicconfig.yaml');
  fs.copyFileSync(path.join(source, config.dynamicConfigClient.filepath), dynamicConfig);
  config.dynamicConfigClient.filepath = dynamicConfig;
  const file = path.join(opts.runDir, 'temporal-config.yaml');
  fs.writeFileSync(file, YAML.stringify(config));
  return file;
}

export class TemporalServer {
  private proc?: ManagedProcess;
  readonly address: string;
  private readonly configFile: string;
  readonly logFile: string;

  constructor(private readonly opts: TemporalServerOptions) {
    this.address = `127.0.0.1:${opts.settings.ports.temporal.frontend}`;
    this.configFile = renderConfig(opts);
    this.logFile = path.join(opts.runDir, 'temporal-server.log');
  }

  /** temporal-sql-tool: create both databases, set up the base schema, apply the versioned updates. */
  async setupSchema(): Promise<void> {
    const { tools, settings, postgresPassword } = this.opts;
    const common = ['--plugin', 'postgres12', '--ep', '127.0.0.1', '-p', String(settings.ports.temporalPg), '-u', 'postgres', '--pw', postgresPassword];
    for (const [db, dir] of [['temporal', 'temporal'], ['temporal_visibility', 'visibility']] as const) {
      this.opts.log(`temporal-sql-tool: schema of ${db}`);
      await run(tools.sqlTool, [...common, '--db', db, 'create']);
      await run(tools.sqlTool, [...common, '--db', db, 'setup-schema', '-v', '0.0']);
      await run(tools.sqlTool, [...common, '--db', db, 'update-schema', '-d', path.join(tools.schemaDir, dir, 'versioned')]);
    }
  }

  async start(): Promise<void> {
    this.proc = spawnManaged('temporal-server', this.opts.tools.server, ['--config-file', this.configFile, '--allow-no-auth', 'start'], {
      cwd: this.opts.runDir,
      output: { file: this.logFile },
      killAfterMs: 20_000,
    });
    await waitForTemporal(this.address, 120_000, abortIfExited(this.proc, this.logFile), 'temporal-system');
  }

  /** Registers the namespace (idempotent) and the search attributes the workflows upsert. */
  async registerNamespace(namespace: string): Promise<void> {
    const cli = (args: string[]) => run(this.opts.cliPath, [...args, '--address', this.address], { timeout: 60_000 });
    await cli(['operator', 'namespace', 'create', '--namespace', namespace, '--retention', '72h']).catch((err) => {
      if (!/already exists|AlreadyExists/i.test(`${(err as { stderr?: string }).stderr}`)) throw err;
    });
    await waitForTemporal(this.address, 60_000, undefined, namespace);
    for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) {
      await cli(['operator', 'search-attribute', 'create', '--namespace', namespace, '--name', name, '--type', type]).catch((err) => {
        if (!/already exists|AlreadyExists/i.test(`${(err as { stderr?: string }).stderr}`)) throw err;
      });
    }
  }

  kill(): void {
    this.proc?.kill();
  }

  async exited(): Promise<void> {
    await this.proc?.exited;
  }

  async stop(): Promise<void> {
    await this.proc?.stop();
  }
}
