/** @module `npm run db:migrate [up [n|all] | down [n|all] | status]` against `DATABASE_URL` (ARCHITECTURE D4). */
import { migrate, migrationStatus } from './migrate';

const url = process.env.DATABASE_URL;
const [command = 'up', count] = process.argv.slice(2);

try {
  if (!url) throw new Error('DATABASE_URL is not set: point it at PostgreSQL (or use `npm run dev`, which migrates the embedded server)');
  if (command === 'up' || command === 'down') {
    const steps = count === undefined ? undefined : count === 'all' ? Infinity : Number(count);
    if (steps !== undefined && (!(Number.isInteger(steps) || steps === Infinity) || steps < 1)) throw new Error(`'${count}' is not a positive number of steps`);
    const r = await migrate(url, { direction: command, steps });
    const done = command === 'up' ? r.applied : r.reverted;
    console.log(done.length ? `${command === 'up' ? 'applied' : 'reverted'}: ${done.join(', ')}` : 'nothing to do');
  } else if (command === 'status') {
    for (const m of await migrationStatus(url)) console.log(`${m.missingFile ? 'NO FILE' : m.applied ? 'applied' : 'pending'}  ${m.version}`);
  } else {
    throw new Error(`unknown command '${command}': use up [n|all], down [n|all] or status`);
  }
} catch (err) {
  console.error(`db:migrate: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
