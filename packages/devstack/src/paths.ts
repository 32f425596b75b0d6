/** @module Where the repository, its `.venv` and the default data directory are. */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const VENV_DIR = join(REPO_ROOT, '.venv');
export const DEFAULT_DATA_DIR = join(REPO_ROOT, '.data');
