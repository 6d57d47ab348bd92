/** Applies pending migrations to DATABASE_URL (npm start does this itself). */
import { migrateLatest } from '../platform/db/migrate';
import { envSettings, required } from '../platform/env';

const url = required(envSettings(), 'DATABASE_URL');
migrateLatest(url).then(() => console.log('migrations applied'));
