/** @module Files of the schema package and the specification beside the repository. */
import { fileURLToPath } from 'node:url';

/**
 * DB_SCHEMA.md in the shared specification checked out beside the repository
 * (`../shared/spec/DEV/DB_SCHEMA.md` from the repository root); `IAMA_DB_SCHEMA_MD` points
 * elsewhere.
 */
export const SPEC_SCHEMA_PATH = process.env.IAMA_DB_SCHEMA_MD ?? fileURLToPath(new URL('../../../../shared/spec/DEV/DB_SCHEMA.md', import.meta.url));
/** The committed rendering of DB_SCHEMA.md. */
export const SPEC_SCHEMA_JSON = fileURLToPath(new URL('../schema/db-schema.json', import.meta.url));
/** The generated Kysely types. */
export const DATABASE_TYPES = fileURLToPath(new URL('./database.ts', import.meta.url));
