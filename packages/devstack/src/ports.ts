/**
 * @module Ports of the embedded stack (issue #2): fail fast with one actionable line when a fixed
 * port is taken, and hand out free ports for tests.
 */
import { createServer } from 'node:net';

/** A fixed port the stack needs is held by another process. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  readonly code = 'PORT_IN_USE';
  constructor(
    readonly port: number,
    readonly service: string,
    readonly envVar: string | undefined,
  ) {
    super(
      `Port ${port} (${service}) is already in use: stop the process using it${envVar ? ` or set ${envVar}` : ''}`,
    );
  }
}

/**
 * Rejects with a {@link PortInUseError} when `port` cannot be bound on 127.0.0.1 (where every
 * embedded service listens).
 * @example await assertPortFree(7233, 'Temporal', 'TEMPORAL_ADDRESS');
 */
export async function assertPortFree(
  port: number,
  serviceName: string,
  envVar?: string,
): Promise<void> {
  const free = await new Promise<boolean>((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') resolve(false);
      else reject(err);
    });
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () =>
      server.close(() => resolve(true)),
    );
  });
  if (!free) throw new PortInUseError(port, serviceName, envVar);
}

/**
 * A port that was free a moment ago, chosen by the kernel.
 * @example const port = await getFreePort();
 */
export function getFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port was assigned'))));
    });
  });
}
