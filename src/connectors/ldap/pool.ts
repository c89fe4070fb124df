/**
 * A small bounded pool of bound LDAP connections with pipelining: each connection carries up to
 * `pipeline` operations in flight, so a batch of 500 operations is not 500 round trips in a row.
 * Lost connections are re-opened (StartTLS + bind again) by the next operation that needs them.
 */
import { connect as netConnect, Socket } from 'node:net';
import { type ConnectionOptions, connect as tlsConnect } from 'node:tls';
import { type Attribute, type Change, Client } from 'ldapts';
import { ldapStats } from './stats.js';

export type Entry = {
  dn: string;
  /** Lower-cased attribute name -> string values (binary values are left out). */
  attrs: Map<string, string[]>;
};

export type PoolOptions = {
  url: string;
  bindDn: string;
  password: () => string;
  starttls: boolean;
  tls: ConnectionOptions;
  size: number;
  pipeline: number;
  connectTimeoutMs: number;
  operationTimeoutMs: number;
  pageSize: number;
};

export type SearchOptions = {
  scope?: 'base' | 'one' | 'sub';
  filter: string;
  attributes: string[];
};

export type TlsInfo = {
  protocol: string | null;
  authorized: boolean;
  subject: string;
  error?: string;
};

type Conn = {
  client: Client;
  inflight: number;
  ready: Promise<void> | null;
  /** Sockets may only be opened while we (re)connect, never implicitly by ldapts mid-operation. */
  allowConnect: boolean;
  /** The socket closed: the next operation gets a fresh client (see makeClient). */
  dead: boolean;
  tls?: TlsInfo;
};

export type LdapPool = ReturnType<typeof createPool>;

export function createPool(o: PoolOptions) {
  const conns: Conn[] = [];
  const waiting: (() => void)[] = [];
  let closed = false;

  const lostSocket = () => {
    const s = new Socket();
    // An unbound reconnect would run the operation anonymously: fail it instead (and retry).
    process.nextTick(() => s.destroy(new Error('connection lost; not reconnecting mid-operation')));
    return s;
  };

  /**
   * ldapts does not notice a StartTLS session closing (it listens on the plain socket it
   * replaced), so a closed socket marks the connection dead here, and the plain socket is
   * destroyed too so ldapts rejects what was in flight on it.
   */
  const watch = (conn: Conn, s: Socket, under?: Socket) => {
    s.once('close', () => {
      conn.dead = true;
      under?.destroy();
    });
    return s;
  };

  const makeClient = (conn: Conn): Client =>
    new Client({
      url: o.url,
      connectTimeout: o.connectTimeoutMs,
      timeout: o.operationTimeoutMs,
      ...(o.url.startsWith('ldaps:') ? { tlsOptions: o.tls } : {}),
      createConnection: ((port: number, host: string) =>
        conn.allowConnect
          ? watch(conn, netConnect(port, host))
          : lostSocket()) as typeof netConnect,
      createSecureConnection: ((...args: unknown[]) => {
        if (!conn.allowConnect) return lostSocket();
        // ldaps: (port, host, options); StartTLS: (options with the plain socket).
        const upgrade = typeof args[0] !== 'number';
        const s = upgrade
          ? tlsConnect(args[0] as ConnectionOptions)
          : tlsConnect(args[0] as number, args[1] as string, { ...(args[2] as ConnectionOptions) });
        s.once('secureConnect', () => {
          const cert = s.getPeerCertificate();
          conn.tls = {
            protocol: s.getProtocol(),
            authorized: s.authorized,
            subject: cert?.subject ? String(cert.subject.CN ?? '') : '',
            ...(s.authorizationError ? { error: String(s.authorizationError) } : {}),
          };
        });
        return watch(
          conn,
          s,
          upgrade ? ((args[0] as ConnectionOptions).socket as Socket) : undefined,
        );
      }) as typeof tlsConnect,
    });

  const newConn = (): Conn => {
    const conn = { inflight: 0, ready: null, allowConnect: false, dead: false } as unknown as Conn;
    conn.client = makeClient(conn);
    return conn;
  };

  /** Connects, upgrades with StartTLS if asked, and binds; shared by concurrent callers. */
  const ensureReady = (conn: Conn): Promise<void> => {
    if (!conn.dead && conn.client.isBound) return Promise.resolve();
    conn.ready ??= (async () => {
      if (conn.dead) {
        // Nothing to unbind on a closed socket: start over with a new client.
        conn.client = makeClient(conn);
        conn.dead = false;
      }
      conn.allowConnect = true;
      try {
        if (o.starttls) await conn.client.startTLS({ ...o.tls });
        await conn.client.bind(o.bindDn, o.password());
      } catch (e) {
        if (!conn.dead) await conn.client.unbind().catch(() => {});
        conn.dead = true;
        throw e;
      } finally {
        conn.allowConnect = false;
        conn.ready = null;
      }
    })();
    return conn.ready;
  };

  const acquire = async (): Promise<Conn> => {
    for (;;) {
      if (closed) throw new Error('connection pool closed');
      let best: Conn | undefined;
      for (const c of conns) if (!best || c.inflight < best.inflight) best = c;
      if ((!best || best.inflight > 0) && conns.length < o.size) {
        best = newConn();
        conns.push(best);
      }
      if (best && best.inflight < o.pipeline) {
        best.inflight++;
        return best;
      }
      await new Promise<void>((r) => waiting.push(r));
    }
  };
  const release = (conn: Conn) => {
    conn.inflight--;
    waiting.shift()?.();
  };

  /** Runs one operation on a ready connection; a server error remembers the DN it was about. */
  const run = async <T>(fn: (client: Client) => Promise<T>, dn?: string): Promise<T> => {
    const conn = await acquire();
    try {
      await ensureReady(conn);
      return await fn(conn.client);
    } catch (e) {
      if (dn !== undefined && e instanceof Error && !('dn' in e)) Object.assign(e, { dn });
      throw e;
    } finally {
      release(conn);
    }
  };

  return {
    secure: o.url.startsWith('ldaps:') || o.starttls,
    run,
    async search(base: string, s: SearchOptions): Promise<Entry[]> {
      ldapStats.search++;
      const r = await run((c) =>
        c.search(base, {
          scope: s.scope ?? 'sub',
          filter: s.filter,
          attributes: s.attributes,
          paged: { pageSize: o.pageSize },
        }),
      );
      return r.searchEntries.map(toEntry);
    },
    /** Pages of a large search, on one connection (the paging cookie belongs to it). */
    async *pages(base: string, s: SearchOptions): AsyncGenerator<Entry[]> {
      const conn = await acquire();
      try {
        await ensureReady(conn);
        const it = conn.client.searchPaginated(base, {
          scope: s.scope ?? 'sub',
          filter: s.filter,
          attributes: s.attributes,
          paged: { pageSize: o.pageSize },
        });
        for await (const page of it) {
          ldapStats.search++;
          yield page.searchEntries.map(toEntry);
        }
      } finally {
        release(conn);
      }
    },
    async add(dn: string, attributes: Attribute[]): Promise<void> {
      ldapStats.add++;
      await run((c) => c.add(dn, attributes), dn);
    },
    async modify(dn: string, changes: Change[]): Promise<void> {
      if (changes.length === 0) return;
      ldapStats.modify++;
      await run((c) => c.modify(dn, changes), dn);
    },
    async modifyDN(dn: string, newDn: string): Promise<void> {
      ldapStats.modifyDN++;
      await run((c) => c.modifyDN(dn, newDn), dn);
    },
    async del(dn: string): Promise<void> {
      ldapStats.del++;
      await run((c) => c.del(dn), dn);
    },
    async compare(dn: string, attribute: string, value: string): Promise<boolean> {
      ldapStats.compare++;
      return run((c) => c.compare(dn, attribute, value));
    },
    /** TLS facts of the first connection that negotiated TLS (for check()). */
    tlsInfo: (): TlsInfo | undefined => conns.find((c) => c.tls)?.tls,
    async close(): Promise<void> {
      closed = true;
      for (const w of waiting.splice(0)) w();
      await Promise.all(conns.map((c) => (c.dead ? undefined : c.client.unbind().catch(() => {}))));
      conns.length = 0;
    },
  };
}

export function toEntry(raw: { dn: string; [k: string]: unknown }): Entry {
  const attrs = new Map<string, string[]>();
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'dn') continue;
    const values = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
    if (values.length > 0) attrs.set(k.toLowerCase(), values);
  }
  return { dn: raw.dn, attrs };
}

export const first = (e: Entry, attr: string): string | undefined =>
  e.attrs.get(attr.toLowerCase())?.[0];
