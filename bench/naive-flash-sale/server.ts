/**
 * A server process whose flash-sale route takes attempts the naive way (naive-attempts.ts);
 * everything else is the product's server. The benchmark runs it beside the platform's
 * own servers, on the same database and Temporal; it does not join the cluster's shares
 * of the rate limits.
 */
import { startServer } from '../../server';
import { NaiveFlashSale } from './naive-attempts';

startServer({ joinCluster: false, flashSale: (wiring) => new NaiveFlashSale(wiring) }).catch((err) => {
  console.error(err instanceof Error ? `naive server failed to start: ${err.message}` : err);
  process.exit(1);
});
