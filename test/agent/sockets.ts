/**
 * Which sockets a process listens on, from /proc: its fds that are sockets (inodes), matched
 * against the kernel's tables — TCP/TCP6 in LISTEN (state 0A), bound UDP/UDP6, and unix stream
 * sockets accepting connections (__SO_ACCEPTCON). Linux only; no `ss` needed.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

function socketInodes(pid: number): Set<string> {
  const out = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) out.add(m[1]!);
    } catch {
      // the fd closed while we looked
    }
  }
  return out;
}

const table = (pid: number, name: string): string[][] => {
  try {
    return readFileSync(`/proc/${pid}/net/${name}`, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s+/));
  } catch {
    return [];
  }
};

export type Listening = { proto: string; local: string; inode: string };

export function listeningSockets(pid: number): Listening[] {
  const mine = socketInodes(pid);
  const found: Listening[] = [];
  for (const proto of ['tcp', 'tcp6'])
    for (const row of table(pid, proto))
      if (row[3] === '0A' && mine.has(row[9]!))
        found.push({ proto, local: row[1]!, inode: row[9]! });
  for (const proto of ['udp', 'udp6'])
    for (const row of table(pid, proto))
      if (mine.has(row[9]!)) found.push({ proto, local: row[1]!, inode: row[9]! });
  // unix: Num RefCount Protocol Flags Type St Inode Path; Flags 00010000 = listening.
  for (const row of table(pid, 'unix'))
    if ((Number.parseInt(row[3]!, 16) & 0x10000) !== 0 && mine.has(row[6]!))
      found.push({ proto: 'unix', local: row[7] ?? '', inode: row[6]! });
  return found;
}

/** How many sockets (any state) the process has: proof that the check looked at a live process. */
export const socketCount = (pid: number): number => socketInodes(pid).size;
