/**
 * The address `tenure serve` listens on: a clear `serve.port_in_use` when it is taken, and a hold
 * on it while slow start-up work (the demo's runs) is done, so that work never happens for a
 * server that then cannot listen.
 */
import { type AddressInfo, createServer } from 'node:net';
import { TenureError } from '../domain/errors.js';

export const hostPort = (host: string, port: number) =>
  `${host.includes(':') ? `[${host}]` : host}:${port}`;

/**
 * The listen errors an operator causes and can fix, as coded errors naming the address:
 * EADDRINUSE `serve.port_in_use`, EACCES `serve.port_denied` (a port below 1024 without the
 * privilege), EADDRNOTAVAIL `serve.address_unavailable` (--host is not an address of this
 * machine). Any other error unchanged.
 */
export const listenError = (e: unknown, host: string, port: number): unknown => {
  const at = hostPort(host, port);
  switch ((e as NodeJS.ErrnoException | undefined)?.code) {
    case 'EADDRINUSE':
      return new TenureError(
        'serve.port_in_use',
        `cannot listen on ${at}: the address is already in use (another tenure serve?); stop what holds it, or choose another port with --port or server.port in tenure.yaml`,
        { host, port },
      );
    case 'EACCES':
      return new TenureError(
        'serve.port_denied',
        `cannot listen on ${at}: permission denied (ports below 1024 need privileges); choose a port ≥ 1024 with --port or server.port, and put a reverse proxy or a port redirect in front`,
        { host, port },
      );
    case 'EADDRNOTAVAIL':
      return new TenureError(
        'serve.address_unavailable',
        `cannot listen on ${at}: ${host} is not an address of this machine; use one of its addresses (or 0.0.0.0) with --host or server.host`,
        { host, port },
      );
    default:
      return e;
  }
};

export type HeldAddress = {
  /** The port held: the OS's pick when asked for port 0. */
  port: number;
  /** Frees the port for the real listener. */
  release(): Promise<void>;
};

export async function holdAddress(host: string, port: number): Promise<HeldAddress> {
  // Nothing is served yet: a client that connects now is cut off at once rather than left
  // hanging (which would also keep release() waiting for it).
  const server = createServer((socket) => socket.destroy());
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    throw listenError(e, host, port);
  }
  return {
    port: (server.address() as AddressInfo).port,
    release: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
