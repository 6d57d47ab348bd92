/**
 * Child-process management for the launcher and the test harness.
 *
 * Children are spawned in their own process group (detached) so that a Ctrl-C in
 * the terminal reaches only the launcher, which then stops them in order
 * (apps → Temporal → PostgreSQL). Because a detached child would otherwise
 * outlive a launcher that is SIGKILLed, each child gets a tiny `sh` sentinel that
 * polls the launcher's pid and stops the child once the launcher is gone; and a
 * process 'exit' hook signals live children when the launcher exits normally.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import readline from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { tailFile } from './wait';

export { waitForHttp } from './wait';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface OutputOptions {
  /** Print each line on our stdout/stderr, prefixed with this tag. */
  tag?: string;
  /** Append the output to this file (the child writes it directly when there is no tag/onLine). */
  file?: string;
  /** Sees every output line, e.g. to notice "worker ready". */
  onLine?: (line: string) => void;
}

export interface SpawnManagedOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  output?: OutputOptions;
  /** Signal for a graceful stop (PostgreSQL wants SIGINT = fast shutdown). Default SIGTERM. */
  stopSignal?: NodeJS.Signals;
  /** Grace period before SIGKILL. Default 15 s. */
  killAfterMs?: number;
  uid?: number;
  gid?: number;
  /** Signal the child on process 'exit'. Off for children spawned inside jest test files. */
  exitHook?: boolean;
  /** Do not keep our event loop alive for this child (jest must be able to exit). */
  unref?: boolean;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Resolves when the child has exited; never rejects. */
  readonly exited: Promise<ExitInfo>;
  exitInfo(): ExitInfo | undefined;
  /** Last lines of piped output (empty when the child writes straight to a file). */
  recentOutput(): string;
  /** stopSignal, then SIGKILL after the grace period. Safe to call repeatedly. */
  stop(killAfterMs?: number): Promise<ExitInfo>;
  /** Immediate SIGKILL (second Ctrl-C). */
  kill(): void;
}

const live = new Set<ManagedProcess>();
const exitHooked = new Set<ManagedProcess>();
let exitHookInstalled = false;

// $1 = parent pid, $2 = child pid, $3 = signal name. Exits as soon as the child is gone.
const SENTINEL_SCRIPT = `
while kill -0 "$1" 2>/dev/null; do kill -0 "$2" 2>/dev/null || exit 0; sleep 1; done
kill -s "$3" "$2" 2>/dev/null || exit 0
i=0; while [ $i -lt 15 ]; do kill -0 "$2" 2>/dev/null || exit 0; sleep 1; i=$((i+1)); done
kill -s KILL "$2" 2>/dev/null`;

/** Starts a detached sentinel that stops `pid` when this process dies (even by SIGKILL). */
function startSentinel(pid: number, signal: NodeJS.Signals): ChildProcess | undefined {
  if (process.platform === 'win32') return undefined;
  const sentinel = spawn('sh', ['-c', SENTINEL_SCRIPT, 'orphan-sentinel', String(process.pid), String(pid), signal.replace(/^SIG/, '')], {
    detached: true,
    stdio: 'ignore',
  });
  sentinel.on('error', () => undefined); // no sh: we lose only the SIGKILL safety net
  sentinel.unref();
  return sentinel;
}

function killGroup(proc: ChildProcess | undefined): void {
  if (!proc?.pid) return;
  try {
    process.kill(-proc.pid, 'SIGKILL'); // the sentinel and its `sleep`
  } catch {
    /* already gone */
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Only synchronous work is possible here: signal, and let the sentinels escalate.
  process.on('exit', () => {
    for (const p of exitHooked) if (!p.exitInfo()) p.stop().catch(() => undefined);
  });
}

const hasProc = fs.existsSync('/proc/self/stat');

/** True if `pid` runs. A zombie does not count: where PID 1 is slow to reap orphans (containers), a killed one lingers. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (!hasProc) return true; // macOS: trust kill(0)
  try {
    // /proc/<pid>/stat is "pid (comm) state ..."; comm may contain spaces, so look after the last ')'.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2) !== 'Z';
  } catch {
    return false; // vanished meanwhile
  }
}

export function spawnManaged(name: string, command: string, args: string[], opts: SpawnManagedOptions = {}): ManagedProcess {
  const { output = {}, stopSignal = 'SIGTERM', killAfterMs: defaultKillAfter = 15_000 } = opts;
  const piped = Boolean(output.tag || output.onLine);
  const fileFd = output.file && !piped ? fs.openSync(output.file, 'a') : undefined;
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    uid: opts.uid,
    gid: opts.gid,
    detached: process.platform !== 'win32',
    stdio: ['ignore', fileFd ?? (piped ? 'pipe' : 'ignore'), fileFd ?? (piped ? 'pipe' : 'ignore')],
  });
  if (fileFd !== undefined) fs.closeSync(fileFd);
  child.on('error', () => undefined); // reported below or through 'exit'
  if (!child.pid) throw new Error(`could not start ${name}: \`${command}\` not found or not executable`);
  const pid = child.pid;

  const recent: string[] = [];
  if (piped) {
    const fileStream = output.file ? fs.createWriteStream(output.file, { flags: 'a' }) : undefined;
    const follow = (stream: NodeJS.ReadableStream | null, target: NodeJS.WriteStream) => {
      if (!stream) return;
      readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
        recent.push(line);
        if (recent.length > 60) recent.shift();
        if (output.tag) target.write(`${output.tag} ${line}\n`);
        fileStream?.write(`${line}\n`);
        output.onLine?.(line);
      });
    };
    follow(child.stdout, process.stdout);
    follow(child.stderr, process.stderr);
    child.once('close', () => fileStream?.end());
  }

  const sentinel = startSentinel(pid, stopSignal);
  let info: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      info = { code, signal };
      live.delete(proc);
      exitHooked.delete(proc);
      killGroup(sentinel);
      resolve(info);
    });
  });

  const signalChild = (signal: NodeJS.Signals) => {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  };

  let stopping: Promise<ExitInfo> | undefined;
  const proc: ManagedProcess = {
    name,
    pid,
    exited,
    exitInfo: () => info,
    recentOutput: () => recent.join('\n'),
    stop(killAfterMs = defaultKillAfter) {
      if (info) return Promise.resolve(info);
      stopping ??= (async () => {
        signalChild(stopSignal);
        const timer = setTimeout(() => signalChild('SIGKILL'), killAfterMs);
        const result = await exited;
        clearTimeout(timer);
        return result;
      })();
      return stopping;
    },
    kill: () => signalChild('SIGKILL'),
  };
  live.add(proc);
  if (opts.unref) child.unref();
  if (opts.exitHook !== false) {
    exitHooked.add(proc);
    installExitHook();
  }
  return proc;
}

/** For the waits' abortIf: once `proc` has exited, says so with its last output lines. */
export function abortIfExited(proc: ManagedProcess, logFile?: string): () => string | undefined {
  return () => {
    const info = proc.exitInfo();
    if (!info) return undefined;
    const out = proc.recentOutput() || (logFile ? tailFile(logFile, 30) : '');
    return `${proc.name} exited (code ${info.code}, signal ${info.signal})${out ? `; last output:\n${out}` : ''}`;
  };
}

/** Runs a TypeScript entry point (worker.ts, server.ts) as `node --import tsx <script>`:
 *  one process, so its pid is the app's pid and a SIGKILL really kills the app
 *  (the `tsx` CLI would add a wrapper process in between). */
export function spawnTsx(name: string, root: string, script: string, opts: SpawnManagedOptions = {}): ManagedProcess {
  return spawnManaged(name, process.execPath, ['--import', 'tsx', script], { cwd: root, ...opts });
}

/** Stops the given processes in parallel (SIGTERM, then SIGKILL after the grace period). */
export async function stopAll(procs: Iterable<ManagedProcess> = [...live], killAfterMs?: number): Promise<void> {
  await Promise.all([...procs].map((p) => p.stop(killAfterMs)));
}

/** SIGKILLs every child still running — the "second Ctrl-C" path. */
export function killAllNow(): void {
  for (const p of live) p.kill();
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]); // fields after comm: state ppid …
  } catch {
    return undefined;
  }
}

/**
 * Calls onGone once whoever launched us disappears without signalling us. `kill <npm pid>`
 * makes npm exit at once while `tsx` and this process keep running, so we watch
 * our parent (tsx) and grandparent (npm) and treat their exit like a SIGTERM.
 */
export function onLauncherExit(onGone: () => void, intervalMs = 1000): void {
  const parent = process.ppid;
  const grandparent = parentOf(parent);
  const timer = setInterval(() => {
    const gone = process.ppid !== parent || (grandparent !== undefined && grandparent > 1 && !pidAlive(grandparent));
    if (!gone) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref();
}

/** Stops a process we only know by pid (e.g. a worker a test restarted). */
export async function stopPid(pid: number, signal: NodeJS.Signals = 'SIGTERM', killAfterMs = 15_000): Promise<void> {
  const send = (sig: NodeJS.Signals) => {
    try {
      process.kill(pid, sig);
    } catch {
      /* already gone */
    }
  };
  const waitGone = async (ms: number) => {
    const deadline = Date.now() + ms;
    while (pidAlive(pid) && Date.now() < deadline) await sleep(100);
  };
  send(signal);
  await waitGone(killAfterMs);
  if (!pidAlive(pid)) return;
  send('SIGKILL');
  await waitGone(5_000); // bounded: a zombie someone else must reap stays "alive"
}
