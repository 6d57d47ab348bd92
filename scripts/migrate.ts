/** Applies pending migrations to DATABASE_URL (npm start does this itself). */
import { migrateLatest } from '../platform/db/migrate';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is not set');
migrateLatest(url).then(() => console.log('migrations applied'));
