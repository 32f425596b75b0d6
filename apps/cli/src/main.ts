#!/usr/bin/env node
/** @module `iama` command line: parses the command and hands it to one module under commands/. */
import { parseArgs } from 'node:util';
import { runDev } from './commands/dev';
import { runDemo } from './commands/demo';

const USAGE = `usage: iama <command> [options]

commands:
  dev     start the embedded stack (PostgreSQL, Temporal, fixture model, LiteLLM, API, worker)
  demo    start the stack, run the main flow end to end, stop

options:
  --fresh           wipe the data directory before starting
  --data-dir <dir>  where the stack keeps its data (default: .data)
  --ephemeral-ports listen on free ports instead of the defaults (several stacks side by side)
`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    fresh: { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
    'ephemeral-ports': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

const [command] = positionals;
const options = { fresh: values.fresh ?? false, dataDir: values['data-dir'], ephemeralPorts: values['ephemeral-ports'] ?? false };

try {
  if (values.help || !command) {
    process.stdout.write(USAGE);
    process.exitCode = command || values.help ? 0 : 2;
  } else if (command === 'dev') {
    await runDev(options);
  } else if (command === 'demo') {
    await runDemo(options);
  } else {
    process.stderr.write(`iama: unknown command '${command}'\n${USAGE}`);
    process.exitCode = 2;
  }
} catch (err) {
  process.stderr.write(`iama: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
