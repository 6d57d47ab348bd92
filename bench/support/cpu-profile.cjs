/**
 * Preloaded with `--require` through NODE_OPTIONS (BENCH_PROFILE=<dir>, bench/orders.ts):
 * writes a V8 CPU profile of the whole process to <dir>/<name>-<pid>.cpuprofile when it
 * exits. Node refuses `--cpu-prof` in NODE_OPTIONS, so the profiler is started through
 * the inspector; an in-process session answers synchronously, so `exit` can still write.
 * It profiles the main thread: a worker's workflow code runs in the Temporal SDK's
 * worker threads and is not in it.
 */
const fs = require('node:fs');
const path = require('node:path');
const inspector = require('node:inspector');

const dir = process.env.BENCH_PROFILE;
if (dir) {
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  process.on('exit', () => {
    session.post('Profiler.stop', (err, result) => {
      if (err) return;
      const name = path.basename(process.argv[process.argv.length - 1] || 'node').replace(/\.[jt]s$/, '');
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `${name}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
