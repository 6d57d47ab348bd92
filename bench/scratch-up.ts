import { startBenchPlatform } from './support/platform';
async function main() {
  const p = await startBenchPlatform({ servers: Number(process.env.SERVERS ?? 1) });
  console.log(JSON.stringify({ url: p.urls[0], db: p.databaseUrl, temporal: p.temporalAddress, worker: p.workers.map(w=>w.pid), server: p.servers.map(s=>s.pid), tq: p.taskQueue }));
  const stop = async () => { await p.stop(); process.exit(0); };
  process.on('SIGTERM', stop); process.on('SIGINT', stop);
}
main();
