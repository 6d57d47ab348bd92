import knexFactory, { Knex } from 'knex';
import pg from 'pg';
import { envSettings } from '../env';

// BIGINT columns (money in fen, counters) come back as strings by default; our
// amounts stay far below 2^53, so parse them as numbers once, here.
pg.types.setTypeParser(20, (v) => Number(v));

export type Db = Knex;
export type Tx = Knex.Transaction;

export function createDb(databaseUrl: string, poolMax = envSettings().DB_POOL_MAX): Db {
  return knexFactory({
    client: 'pg',
    connection: databaseUrl,
    pool: { min: 0, max: poolMax },
  });
}
