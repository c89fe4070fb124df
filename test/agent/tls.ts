/** A throwaway private CA and a server certificate for 127.0.0.1/localhost it signed (openssl). */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type TestCa = { ca: string; cert: string; key: string; otherCa: string };

const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });

/** Files in `dir`: ca.pem (trust this), server cert/key, and an unrelated CA (trust fails). */
export function makeTestCa(dir: string): TestCa {
  const f = (n: string) => join(dir, n);
  for (const name of ['ca', 'other-ca'])
    openssl([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=Tenure test ${name}`,
      '-keyout',
      f(`${name}-key.pem`),
      '-out',
      f(`${name}.pem`),
    ]);
  openssl([
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-subj',
    '/CN=localhost',
    '-keyout',
    f('server-key.pem'),
    '-out',
    f('server.csr'),
  ]);
  writeFileSync(f('san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  openssl([
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca-key.pem'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    f('san.ext'),
    '-out',
    f('server.pem'),
  ]);
  return {
    ca: f('ca.pem'),
    cert: f('server.pem'),
    key: f('server-key.pem'),
    otherCa: f('other-ca.pem'),
  };
}
