/** @module `iama dev`: run the embedded stack until Ctrl-C or SIGTERM, then stop every process. */
import { startStack } from '@iama/devstack';
import { dataDirOf, stackOptionsOf, type StackCommandOptions } from './stack-options';

export async function runDev(opts: StackCommandOptions): Promise<void> {
  const dataDir = dataDirOf(opts);
  const began = Date.now();
  console.log(`Starting the IAMA stack (data: ${dataDir}${opts.fresh ? ', fresh' : ''})`);
  const stack = await startStack(stackOptionsOf(opts));
  console.log(`Ready in ${((Date.now() - began) / 1000).toFixed(1)} s. Logs: ${dataDir}/logs. Ctrl-C stops everything.`);
  await new Promise<void>((resolveSignal) => {
    process.once('SIGINT', () => resolveSignal());
    process.once('SIGTERM', () => resolveSignal());
  });
  console.log('Stopping…');
  await stack.stop();
  console.log('Stopped.');
}
