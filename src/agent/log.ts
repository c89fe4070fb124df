/** JSON-lines logs on stdout (pino). Secrets never reach them: none is ever passed, and these paths are redacted anyway. */
import { pino } from 'pino';
import type { Logger } from '../domain/logger.js';

export type AgentLog = Logger;

const REDACT = [
  'token',
  'enroll_token',
  'authorization',
  'password',
  'bind_password',
  'private_key',
  '*.token',
  '*.authorization',
  '*.password',
  '*.bind_password',
  '*.private_key',
];

export function createAgentLog(level: string, fd = 1): AgentLog {
  return pino(
    {
      level,
      base: { service: 'tenure-agent', pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT, censor: '[redacted]' },
    },
    // Synchronous: the last lines before an exit (or a SIGKILL) are not lost in a buffer.
    pino.destination({ fd, sync: true }),
  ) as unknown as AgentLog;
}
