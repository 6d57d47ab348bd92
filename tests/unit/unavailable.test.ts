import { unavailableDependency, serviceUnavailable } from '../../platform/errors/unavailable';

/** Which failures mean "a dependency is away, retry" (503) and which are faults of ours (500). */
describe('unavailableDependency', () => {
  const pgError = (code: string, message: string) => Object.assign(new Error(message), { code, severity: 'FATAL' });
  const grpcError = (code: number, message: string) => Object.assign(new Error(message), { code, details: message, metadata: {} });

  it('names the dependency of every way PostgreSQL or Temporal can be away, and nothing else', () => {
    const cases: Record<string, unknown> = {
      'pg shutting down (57P01)': pgError('57P01', 'terminating connection due to administrator command'),
      'pg starting up (57P03)': pgError('57P03', 'the database system is starting up'),
      'pg connection failure (08006)': pgError('08006', 'connection failure'),
      'connection refused': Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', syscall: 'connect' }),
      'connection cut': new Error('Connection terminated unexpectedly'),
      'pool gave up': Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), { name: 'KnexTimeoutError' }),
      'Temporal frontend down': Object.assign(new Error('Failed to start workflow'), { name: 'ServiceError', cause: grpcError(14, '14 UNAVAILABLE: No connection established') }),
      'Temporal too slow': grpcError(4, '4 DEADLINE_EXCEEDED: Deadline exceeded'),
      'unique violation': pgError('23505', 'duplicate key value violates unique constraint'),
      'a bug': new TypeError("Cannot read properties of undefined (reading 'x')"),
      'Temporal refuses an argument': grpcError(3, '3 INVALID_ARGUMENT: bad'),
    };
    const seen = Object.fromEntries(Object.entries(cases).map(([k, err]) => [k, unavailableDependency(err) ?? null]));
    expect(seen).toEqual({
      'pg shutting down (57P01)': 'database',
      'pg starting up (57P03)': 'database',
      'pg connection failure (08006)': 'database',
      'connection refused': 'database',
      'connection cut': 'database',
      'pool gave up': 'database',
      'Temporal frontend down': 'temporal',
      'Temporal too slow': 'temporal',
      'unique violation': null,
      'a bug': null,
      'Temporal refuses an argument': null,
    });
  });

  it('answers in the contract error format with the dependency in the details', () => {
    const e = serviceUnavailable('database');
    expect({ status: e.status, body: e.toBody() }).toEqual({
      status: 503,
      body: { error: { code: 'SERVICE_UNAVAILABLE', message: 'the database is unreachable; retry shortly', details: [{ dependency: 'database', message: 'the database is unreachable' }] } },
    });
  });
});
