/**
 * No Docker engine runs where the tests run, so this keeps the container image
 * (Dockerfile, .dockerignore) and the production layout (deploy/compose.yaml) honest
 * against the repository: every file they copy or mount exists, every command they run is
 * built by `npm run build` or is a package.json script, every environment variable they
 * set is one the platform reads (and its value is accepted), and the ports agree with
 * Prometheus' scrape configuration. Everything is read from the files themselves.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { envSchema, envSettings } from '../../platform/env';
import { SEARCH_ATTRIBUTES } from '../../platform/infra/temporal-dev-server';
import { longestAfterSaleDays, retentionSettingsFromEnv } from '../../platform/retention/settings';
import { WORKFLOW_BUNDLE_FILE } from '../../platform/worker-settings';

const ROOT = path.resolve(__dirname, '..', '..');
const COMPOSE_FILE = path.join(ROOT, 'deploy', 'compose.yaml');
const read = (file: string) => fs.readFileSync(path.resolve(ROOT, file), 'utf8');
const exists = (file: string) => fs.existsSync(file);

// ---- Dockerfile ----
interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  image: string;
  name?: string;
  instructions: Instruction[];
}

/** The Dockerfile's stages and instructions (continuation lines joined, comments dropped, ARG defaults applied). */
function parseDockerfile(text: string): Stage[] {
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, op, rest] = line.match(/^(\S+)\s+(.*)$/)!;
    const expanded = rest.replace(/\$\{(\w+)\}/g, (_, name) => args[name] ?? `\${${name}}`);
    if (op.toUpperCase() === 'ARG') {
      const [name, value] = expanded.split('=');
      if (value !== undefined && !(name in args)) args[name] = value;
    } else if (op.toUpperCase() === 'FROM') {
      const [image, , name] = expanded.split(/\s+/);
      stages.push({ image, name, instructions: [] });
    } else {
      stages[stages.length - 1].instructions.push({ op: op.toUpperCase(), args: expanded });
    }
  }
  return stages;
}

/** A JSON-array (exec form) or shell-form command as words. */
const words = (args: string): string[] => (args.startsWith('[') ? JSON.parse(args) : args.split(/\s+/));

/** .dockerignore patterns as a matcher (the subset used: names, directories, `*` globs). */
function dockerignore(text: string): (file: string) => boolean {
  const patterns = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const regexes = patterns.map((p) => new RegExp(`^${p.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}(/.*)?$`));
  return (file) => regexes.some((r) => r.test(file));
}

// ---- what `npm run build` produces ----
const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
const buildConfig = JSON.parse(read('tsconfig.build.json')) as { compilerOptions: { outDir: string; rootDir: string }; include: string[] };

/**
 * Why `dist/<file>` exists after `npm run build`, or undefined: a `.js` compiled from a
 * `.ts` source tsconfig.build.json includes, or the prebuilt workflow bundle.
 */
function builtBy(distFile: string): string | undefined {
  const { outDir, rootDir } = buildConfig.compilerOptions;
  const rel = path.posix.relative(outDir, distFile);
  if (rel.startsWith('..')) return undefined;
  if (rel === WORKFLOW_BUNDLE_FILE) return pkg.scripts.build.includes('build-workflow-bundle') ? 'the workflow bundle step of npm run build' : undefined;
  const source = path.join(ROOT, rootDir, rel.replace(/\.js$/, '.ts'));
  const included = buildConfig.include.some((inc) => (inc === '*.ts' ? !rel.includes('/') : rel.startsWith(`${inc}/`)));
  return exists(source) && included && pkg.scripts.build.includes('tsconfig.build.json') ? `tsc from ${path.relative(ROOT, source)}` : undefined;
}

/** What is wrong with a command run in the platform's image (empty when it is fine). */
function commandProblems(cmd: string[]): string[] {
  if (cmd[0] === 'npm' && cmd[1] === 'run') return pkg.scripts[cmd[2]] ? [] : [`npm run ${cmd[2]}: no such script in package.json`];
  if (cmd[0] === 'node') {
    const entry = cmd.slice(1).find((w) => !w.startsWith('-'));
    if (!entry) return [`${cmd.join(' ')}: no script to run`];
    return builtBy(entry) ? [] : [`${cmd.join(' ')}: ${entry} is not produced by npm run build`];
  }
  return [`${cmd.join(' ')}: runs neither node on dist/ nor an npm script`];
}

// ---- compose ----
type Service = Record<string, any>;
const compose = parse(fs.readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
/** The services that run the platform's own image (built from the Dockerfile). */
const appServices = Object.entries(services).filter(([, s]) => s.build);

/** `${NAME:-default}` as compose would substitute it with nothing set. */
const withDefaults = (v: unknown) => String(v).replace(/\$\{\w+:-([^}]*)\}/g, '$1');
const envOf = (s: Service): Record<string, string> => Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, withDefaults(v)]));
const dependsOn = (s: Service): string[] => (Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {}));
/** Bind mounts as [host path relative to the repository, container path]. */
const bindMounts = (s: Service): [string, string][] =>
  (s.volumes ?? [])
    .map((v: string) => v.split(':'))
    .filter(([host]: string[]) => host.startsWith('.') || host.startsWith('/'))
    .map(([host, container]: string[]) => [path.relative(ROOT, path.resolve(path.dirname(COMPOSE_FILE), host)), container]);

describe('the container image (Dockerfile)', () => {
  const stages = parseDockerfile(read('Dockerfile'));
  const ignored = dockerignore(read('.dockerignore'));

  it('builds every stage on a glibc (Debian) Node 20 image, as the Temporal SDK requires', () => {
    const images = stages.map((s) => s.image);
    expect(images.filter((i) => !/^node:20(\.\d+)*-(bookworm|bullseye|trixie)(-slim)?$/.test(i))).toEqual([]);
  });

  it('copies only files that exist and are in the build context, from stages that exist', () => {
    const problems: string[] = [];
    stages.forEach((stage, i) => {
      for (const { op, args } of stage.instructions.filter((x) => x.op === 'COPY' || x.op === 'ADD')) {
        const parts = args.split(/\s+/);
        const from = parts.find((p) => p.startsWith('--from='))?.slice('--from='.length);
        const sources = parts.filter((p) => !p.startsWith('--')).slice(0, -1);
        if (from) {
          if (!stages.slice(0, i).some((s) => s.name === from)) problems.push(`${op} --from=${from}: no earlier stage of that name`);
          continue;
        }
        for (const src of sources) {
          if (!exists(path.join(ROOT, src))) problems.push(`${op} ${src}: not in the repository`);
          else if (ignored(src)) problems.push(`${op} ${src}: excluded by .dockerignore`);
        }
      }
    });
    expect(problems).toEqual([]);
  });

  it('keeps local state and build output out of the build context', () => {
    expect(['node_modules', 'dist', 'data', '.test-run', '.tools', '.git'].filter((p) => !ignored(p))).toEqual([]);
  });

  it('builds with npm run build and runs node on what it built, as a user other than root', () => {
    const runtime = stages[stages.length - 1];
    const runs = stages.flatMap((s) => s.instructions.filter((x) => x.op === 'RUN').map((x) => x.args));
    const npmScripts = runs.flatMap((r) => [...r.matchAll(/npm run (\S+)/g)].map((m) => m[1]));
    expect(npmScripts).toContain('build');
    expect(npmScripts.filter((s) => !pkg.scripts[s])).toEqual([]);
    const cmd = runtime.instructions.filter((x) => x.op === 'CMD' || x.op === 'ENTRYPOINT').map((x) => words(x.args));
    expect(cmd).toHaveLength(1);
    expect(commandProblems(cmd[0])).toEqual([]);
    const user = runtime.instructions.filter((x) => x.op === 'USER').pop()?.args;
    expect(user === undefined || user === 'root' || user === '0' ? `runs as ${user ?? 'root (no USER)'}` : 'not root').toBe('not root');
  });

  it('sets only environment variables the platform reads, with values it accepts', () => {
    const env: Record<string, string> = {};
    for (const s of stages) for (const x of s.instructions.filter((i) => i.op === 'ENV')) for (const [, k, v] of x.args.matchAll(/(\w+)=(\S+)/g)) env[k] = v;
    expect(Object.keys(env).filter((k) => !(k in envSchema.shape))).toEqual([]);
    expect(() => envSettings(env)).not.toThrow();
  });
});

describe('the production layout (deploy/compose.yaml)', () => {
  const byRole = (cmdEntry: string) => appServices.filter(([, s]) => (s.command ?? []).includes(cmdEntry)).map(([name]) => name);
  const workers = byRole('dist/worker.js');
  const servers = byRole('dist/server.js');
  const prometheus = parse(read('deploy/prometheus/prometheus.yml')) as { rule_files?: string[]; scrape_configs: any[] };

  it('has every part of the production layout, workers and servers replicated', () => {
    expect({ workers: workers.length, servers: servers.length, migrate: byRole('dist/scripts/migrate.js').length }).toEqual({ workers: 1, servers: 1, migrate: 1 });
    const images = Object.values(services).map((s) => String(s.image ?? '').split(':')[0]);
    expect(images).toEqual(expect.arrayContaining(['postgres', 'temporalio/auto-setup', 'temporalio/ui', 'prom/prometheus', 'grafana/grafana']));
    expect([...workers, ...servers].map((n) => String(services[n].deploy?.replicas ?? '').length > 0)).toEqual([true, true]);
  });

  it('builds the image from the Dockerfile in the repository', () => {
    const builds = appServices.map(([, s]) => path.relative(ROOT, path.resolve(path.dirname(COMPOSE_FILE), s.build.context, s.build.dockerfile ?? 'Dockerfile')));
    expect([...new Set(builds)]).toEqual(['Dockerfile']);
  });

  it('runs only commands npm run build produces, and starts them after the migrations', () => {
    const problems = appServices.flatMap(([name, s]) => (s.command ? commandProblems(s.command).map((p) => `${name}: ${p}`) : [`${name}: no command`]));
    expect(problems).toEqual([]);
    for (const name of [...workers, ...servers]) expect({ name, dependsOn: dependsOn(services[name]) }).toEqual({ name, dependsOn: expect.arrayContaining(['migrate']) });
  });

  it('sets only environment variables the platform reads, with values it accepts (retention horizons included)', () => {
    for (const [name, s] of appServices) {
      const env = envOf(s);
      expect({ name, unknown: Object.keys(env).filter((k) => !(k in envSchema.shape)) }).toEqual({ name, unknown: [] });
      expect(() => envSettings(env)).not.toThrow();
      expect(() => retentionSettingsFromEnv({ longestAfterSaleDays: 7 }, env)).not.toThrow();
    }
  });

  it('mounts only files and folders that exist', () => {
    // ops/ (dashboards, alert rules) is written beside this layout; until it is in the tree
    // the paths under it are named here, and from then on every one must exist.
    const opsInTree = exists(path.join(ROOT, 'ops'));
    const mounts = Object.entries(services).flatMap(([name, s]) => bindMounts(s).map(([host]) => ({ name, host })));
    expect(mounts.length).toBeGreaterThan(0);
    const missing = mounts.filter((m) => !exists(path.join(ROOT, m.host)) && (opsInTree || !m.host.startsWith(`ops${path.sep}`)));
    expect(missing).toEqual([]);
  });

  it('depends only on services it defines', () => {
    const unknown = Object.entries(services).flatMap(([name, s]) => dependsOn(s).filter((d) => !services[d]).map((d) => `${name} → ${d}`));
    expect(unknown).toEqual([]);
  });

  it("agrees on ports: the servers' PORT is published, exposed and scraped; the workers' METRICS_PORT is exposed and scraped", () => {
    const scrapePort = (service: string) =>
      prometheus.scrape_configs.flatMap((j) => (j.dns_sd_configs ?? []).filter((d: any) => d.names.includes(service)).map((d: any) => d.port));
    const exposed = parseDockerfile(read('Dockerfile')).pop()!.instructions.filter((x) => x.op === 'EXPOSE').flatMap((x) => x.args.split(/\s+/).map(Number));
    for (const name of servers) {
      const port = envSettings(envOf(services[name])).PORT;
      const published = (services[name].ports ?? []).map((p: string) => Number(String(p).split(':').pop()));
      expect({ name, published, scraped: scrapePort(name), exposed: exposed.includes(port), host: envOf(services[name]).HOST })
        .toEqual({ name, published: [port], scraped: [port], exposed: true, host: '0.0.0.0' });
      const health = JSON.stringify(services[name].healthcheck?.test ?? '');
      expect(health).toContain(`:${port}/readyz`);
    }
    for (const name of workers) {
      const port = envSettings(envOf(services[name])).METRICS_PORT;
      expect({ name, port: port > 0, scraped: scrapePort(name), exposed: exposed.includes(port) }).toEqual({ name, port: true, scraped: [port], exposed: true });
    }
  });

  it("is a Prometheus configuration promtool accepts (Debian's prometheus package ships promtool)", () => {
    const check = spawnSync('promtool', ['check', 'config', '--syntax-only', path.join(ROOT, 'deploy', 'prometheus', 'prometheus.yml')], { encoding: 'utf8' });
    expect({ status: check.status, error: check.error?.message, output: check.status === 0 ? '' : `${check.stdout}${check.stderr}` }).toEqual({ status: 0, error: undefined, output: '' });
  });

  it("points Prometheus at the rule files and Grafana at the dashboards and Prometheus it mounts", () => {
    const mountedIn = (service: string) => bindMounts(services[service]).map(([, container]) => container);
    expect((prometheus.rule_files ?? []).filter((f) => !mountedIn('prometheus').includes(f))).toEqual([]);
    expect((prometheus.rule_files ?? []).length).toBeGreaterThan(0);
    expect(mountedIn('prometheus')).toContain(String(services.prometheus.command.find((c: string) => c.startsWith('--config.file='))).split('=')[1]);

    const provisioning = bindMounts(services.grafana).find(([, c]) => c === '/etc/grafana/provisioning');
    expect(provisioning).toBeDefined();
    const dir = path.join(ROOT, provisioning![0]);
    const providers = fs.readdirSync(path.join(dir, 'dashboards')).flatMap((f) => parse(fs.readFileSync(path.join(dir, 'dashboards', f), 'utf8')).providers);
    expect(providers.map((p: any) => mountedIn('grafana').includes(p.options.path))).toEqual([true]);
    const datasources = fs.readdirSync(path.join(dir, 'datasources')).flatMap((f) => parse(fs.readFileSync(path.join(dir, 'datasources', f), 'utf8')).datasources);
    expect(datasources.map((d: any) => d.url)).toEqual(['http://prometheus:9090']);
    expect(services.prometheus.ports).toContain('9090:9090');
  });

  it('registers the search attributes the workflows set, as npm start does for its dev server', () => {
    const setup = Object.values(services).find((s) => String(s.image).startsWith('temporalio/admin-tools'))!;
    const script = bindMounts(setup).find(([, c]) => c === setup.entrypoint[1]);
    expect(script).toBeDefined();
    const text = fs.readFileSync(path.join(ROOT, script![0]), 'utf8');
    const names = text.match(/for name in ([^;]+);/)![1].trim().split(/\s+/);
    expect(names.sort()).toEqual(Object.keys(SEARCH_ATTRIBUTES).sort());
    expect(new Set(Object.values(SEARCH_ATTRIBUTES))).toEqual(new Set([text.match(/--type (\w+)/)![1]]));
    for (const name of [...workers, ...servers]) expect({ name, dependsOn: dependsOn(services[name]) }).toEqual({ name, dependsOn: expect.arrayContaining(['temporal-setup']) });
  });

  it('gives workers longer to stop than their drain grace, so Docker never cuts a drain short', () => {
    for (const name of workers) {
      const grace = envSettings(envOf(services[name])).WORKER_SHUTDOWN_GRACE_MS;
      const stop = Number(String(services[name].stop_grace_period ?? '10s').replace(/s$/, '')) * 1000;
      expect({ name, stopMs: stop > grace }).toEqual({ name, stopMs: true });
    }
  });
});

it('the defaults of the retention horizons clear their minimums for the configured business lines', () => {
  // The image ships config/: its lines' after-sale windows set the fence minimum.
  const { loadPlatformConfig } = require('../../platform/config/platform-config') as typeof import('../../platform/config/platform-config');
  expect(() => retentionSettingsFromEnv({ longestAfterSaleDays: longestAfterSaleDays(loadPlatformConfig().identities) }, {})).not.toThrow();
});
