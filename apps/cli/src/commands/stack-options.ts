/** @module Options shared by the commands that start the embedded stack. */
import { resolve } from 'node:path';
import { DEFAULT_DATA_DIR, type StackOptions } from '@iama/devstack';

export type StackCommandOptions = { fresh: boolean; dataDir: string | undefined; ephemeralPorts: boolean };

export const dataDirOf = (opts: StackCommandOptions): string => (opts.dataDir ? resolve(opts.dataDir) : DEFAULT_DATA_DIR);

export const stackOptionsOf = (opts: StackCommandOptions): StackOptions => ({
  dataDir: dataDirOf(opts),
  fresh: opts.fresh,
  ports: opts.ephemeralPorts ? 'ephemeral' : undefined,
});
