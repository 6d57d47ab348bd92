/**
 * Tells a dependency that is away (PostgreSQL restarting, Temporal's frontend down) from
 * a fault of ours: the first is a 503 the client may retry once the dependency is back,
 * with the contract's error body; only the second is a 500.
 */
import { AppError } from './app-error';

export type Dependency = 'database' | 'temporal';

/** PostgreSQL SQLSTATE classes and codes of "the server is not there (now)": connection exceptions, shutdown, starting up. */
const PG_UNAVAILABLE = /^(08|57P0[1-3])/;
/** Socket errors of a refused, reset or cut connection. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
/** node-postgres's own messages when the server closed or never answered. */
const PG_MESSAGES = /Connection terminated|connection timeout|Client has encountered a connection error|terminating connection due to administrator command/i;
/** gRPC status codes: 14 UNAVAILABLE, 4 DEADLINE_EXCEEDED (no frontend answered in time). */
const GRPC_UNAVAILABLE = new Set([14, 4]);

function* chain(err: unknown): Generator<Record<string, unknown>> {
  const seen = new Set<unknown>();
  for (let e = err; e && typeof e === 'object' && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    yield e as Record<string, unknown>;
  }
}

/** Which dependency's absence caused `err`, if that is what caused it. */
export function unavailableDependency(err: unknown): Dependency | undefined {
  for (const e of chain(err)) {
    const name = String(e.name ?? '');
    const code = e.code;
    const message = String(e.message ?? '');
    // knex's pool gave up waiting for a connection: the database does not take new ones.
    if (name === 'KnexTimeoutError') return 'database';
    if (typeof code === 'string' && PG_UNAVAILABLE.test(code)) return 'database';
    if (name === 'ServiceError' || name === 'GrpcError' || /^\d+ [A-Z_]+:/.test(message)) {
      if (typeof code === 'number' && GRPC_UNAVAILABLE.has(code)) return 'temporal';
      if (/^(14 UNAVAILABLE|4 DEADLINE_EXCEEDED)/.test(message)) return 'temporal';
    }
    if (typeof code === 'number' && GRPC_UNAVAILABLE.has(code) && 'details' in e && 'metadata' in e) return 'temporal';
    if (PG_MESSAGES.test(message)) return 'database';
    // The REST server's only plain-socket dependency on a request's path is PostgreSQL (Temporal's client speaks gRPC, matched above).
    if (typeof code === 'string' && SOCKET_CODES.has(code)) return 'database';
  }
  return undefined;
}

export function serviceUnavailable(dependency: Dependency): AppError {
  const what = dependency === 'database' ? 'the database is unreachable' : 'the workflow engine (Temporal) is unreachable';
  return new AppError(503, 'SERVICE_UNAVAILABLE', `${what}; retry shortly`, [{ dependency, message: what }]);
}
