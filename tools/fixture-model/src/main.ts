/**
 * @module CLI entry of the fixture model: `tsx tools/fixture-model/src/main.ts [--port N] [--host H]`.
 * Prints one JSON line with its URL once listening; stops on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startFixtureModel } from './server';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    host: { type: 'string', default: '127.0.0.1' },
  },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`fixture model: --port must be a port number, not ${JSON.stringify(values.port)}`);
  process.exit(2);
}
try {
  const fixture = await startFixtureModel({ port, host: values.host });
  console.log(
    JSON.stringify({
      msg: 'fixture model listening',
      url: fixture.url,
      note: 'deterministic stand-in for a model provider (ARCHITECTURE D7)',
    }),
  );
  const shutdown = () => void fixture.stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
} catch (err) {
  const code = (err as NodeJS.ErrnoException).code;
  console.error(
    code === 'EADDRINUSE'
      ? `Port ${port} (fixture model) is already in use: stop the process using it or pass --port`
      : `fixture model failed to start: ${String(err)}`,
  );
  process.exit(1);
}
