/**
 * A TCP proxy on 127.0.0.1 that can stop passing bytes without closing anything: the directory
 * seems to hang mid-operation (as a stuck server does) and carries on where it was on resume.
 */
import { connect, createServer, type Socket } from 'node:net';

export type PausableProxy = {
  url: string;
  pause(): void;
  resume(): void;
  close(): Promise<void>;
};

export async function startPausableProxy(target: string): Promise<PausableProxy> {
  const to = new URL(target);
  const sockets = new Set<Socket>();
  /** Bytes held while paused, per destination, in arrival order. */
  const held: { to: Socket; data: Buffer }[] = [];
  let paused = false;
  const forward = (from: Socket, dest: Socket) =>
    from.on('data', (data: Buffer) => {
      if (paused) held.push({ to: dest, data });
      else dest.write(data);
    });
  const server = createServer((client) => {
    const upstream = connect(Number(to.port), to.hostname);
    for (const s of [client, upstream]) sockets.add(s);
    forward(client, upstream);
    forward(upstream, client);
    const end = () => {
      for (const s of [client, upstream]) {
        sockets.delete(s);
        s.destroy();
      }
    };
    for (const s of [client, upstream]) s.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `${to.protocol}//127.0.0.1:${port}`,
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      for (const h of held.splice(0)) if (!h.to.destroyed) h.to.write(h.data);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
