/** @module Options shared by the commands that start the embedded stack. */
import { resolve } from 'node:path';
import { DEFAULT_DATA_DIR } from '@iama/devstack';

export type StackCommandOptions = { fresh: boolean; dataDir: string | undefined };

export const dataDirOf = (opts: StackCommandOptions): string => (opts.dataDir ? resolve(opts.dataDir) : DEFAULT_DATA_DIR);
