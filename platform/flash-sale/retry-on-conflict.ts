/** PostgreSQL's unique violation, deadlock and serialization failure. */
const RACE_CODES = new Set(['23505', '40P01', '40001']);

/**
 * Runs a transaction again (up to three times in all) when it lost a race the database
 * detected — the same Idempotency-Key won on another server meanwhile, or a deadlock:
 * run again, it sees the other's outcome.
 */
export async function retryOnConflict<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (attempt >= 3 || !code || !RACE_CODES.has(code)) throw err;
    }
  }
}
