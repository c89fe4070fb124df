/** A deterministic synthetic organisation of any size, and a benchmark of parseHrSnapshot on it. */
import { pathToFileURL } from 'node:url';
import { HR_FIELDS, type HrRecord, type HrStatus } from '../src/domain/types.js';
import { parseHrSnapshot } from '../src/sources/file/index.js';

const DEPARTMENTS: Record<string, string[]> = {
  Engineering: [
    'Software Engineer',
    'Senior Software Engineer',
    'Staff Engineer',
    'Engineering Manager',
    'SRE',
  ],
  Product: ['Product Manager', 'Senior Product Manager', 'Product Designer', 'UX Researcher'],
  Sales: [
    'Account Executive',
    'Sales Development Rep',
    'Sales Engineer',
    'Regional Sales Director',
  ],
  Marketing: ['Content Marketer', 'Growth Marketer', 'Brand Designer', 'Marketing Ops Analyst'],
  Finance: ['Accountant', 'Financial Analyst', 'Controller', 'Payroll Specialist'],
  People: ['HR Business Partner', 'Recruiter', 'People Ops Specialist', 'L&D Manager'],
  Support: ['Support Engineer', 'Support Specialist', 'Support Team Lead', 'Technical Writer'],
  IT: ['IT Administrator', 'Helpdesk Technician', 'Security Engineer', 'Systems Engineer'],
  Legal: ['Counsel', 'Paralegal', 'Compliance Officer', 'Privacy Officer'],
  Operations: ['Operations Analyst', 'Facilities Coordinator', 'Procurement Specialist'],
  Data: ['Data Analyst', 'Data Engineer', 'Data Scientist', 'Analytics Manager'],
  'Customer Success': ['Customer Success Manager', 'Onboarding Specialist', 'Renewals Manager'],
};
const DEPT_NAMES = Object.keys(DEPARTMENTS);
const LOCATIONS = [
  'Paris',
  'London',
  'New York',
  'Berlin',
  'Madrid',
  'Toronto',
  'Singapore',
  'Sydney',
  'São Paulo',
  'Bengaluru',
  'Tokyo',
  'Remote',
];
const FIRST = [
  'Ada',
  'Grace',
  'Alan',
  'Zoë',
  'José',
  'Søren',
  'Amélie',
  'Chloé',
  'Björn',
  'Ngozi',
  'Mei',
  'Hiroshi',
  'Priya',
  'Omar',
  'Fatima',
  'Liam',
  'Noah',
  'Emma',
  'Olivia',
  'Mateo',
  'Ana',
  'Jin',
];
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Ñúñez',
  "O'Brien",
  'Müller',
  'Dubois',
  'Nguyễn',
  'Kowalski',
  'Okafor',
  'Tanaka',
  'Patel',
  'García',
  'Smith, Jr.',
  'Johansson',
  'Rossi',
  'Kim',
  'Silva',
  'Cohen',
];

/** mulberry32: tiny, fast, good enough for fixtures. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number): string => (n < 10 ? `0${n}` : String(n));
const ascii = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase() || 'x';

/** `n` valid records with unique ids; managers form a tree rooted at the first record. */
export function syntheticOrg(n: number, seed = 1): HrRecord[] {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const out: HrRecord[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const id = `S${String(i + 1).padStart(6, '0')}`;
    const first = pick(FIRST);
    const last = pick(LAST);
    const dept = i === 0 ? 'Executive' : DEPT_NAMES[i % DEPT_NAMES.length]!;
    const start = `${2005 + Math.floor(rand() * 21)}-${pad(1 + Math.floor(rand() * 12))}-${pad(1 + Math.floor(rand() * 28))}`;
    const roll = rand();
    const status: HrStatus = roll < 0.03 ? 'terminated' : roll < 0.07 ? 'leave' : 'active';
    out[i] = {
      employee_id: id,
      first_name: first,
      last_name: last,
      preferred_name: rand() < 0.05 ? first.slice(0, 3) : null,
      email: `${ascii(first)}.${ascii(last)}.${i + 1}@synthetic.example`,
      department: dept,
      title: i === 0 ? 'Chief Executive Officer' : pick(DEPARTMENTS[dept]!),
      // Parent in a tree of fan-out ~8; same department except under the CEO.
      manager_id: i === 0 ? null : `S${String(Math.floor((i - 1) / 8) + 1).padStart(6, '0')}`,
      location: pick(LOCATIONS),
      employment_type: rand() < 0.12 ? 'contractor' : 'employee',
      status,
      start_date: start,
      end_date: status === 'terminated' ? '2026-06-30' : null,
    };
  }
  return out;
}

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;
const cell = (v: string | null): string =>
  v === null ? '' : NEEDS_QUOTES.test(v) ? `"${v.replaceAll('"', '""')}"` : v;

/** RFC 4180 CSV with Tenure's header, LF line endings. */
export function toCsv(records: HrRecord[]): string {
  const lines = [HR_FIELDS.join(',')];
  for (const r of records) lines.push(HR_FIELDS.map((f) => cell(r[f])).join(','));
  return `${lines.join('\n')}\n`;
}

function bench(n: number): void {
  let t = performance.now();
  const records = syntheticOrg(n);
  const genMs = performance.now() - t;
  const csv = Buffer.from(toCsv(records));
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 3; run++) {
    t = performance.now();
    const result = parseHrSnapshot(csv);
    best = Math.min(best, performance.now() - t);
    if (result.rejected.length > 0 || result.records.length !== n)
      throw new Error('synthetic org did not parse cleanly');
  }
  const mb = (csv.length / 1e6).toFixed(1);
  console.log(`syntheticOrg(${n}): ${genMs.toFixed(0)} ms`);
  console.log(
    `parseHrSnapshot: ${n} rows (${mb} MB) in ${best.toFixed(0)} ms = ${Math.round((n / best) * 1000).toLocaleString('en-US')} rows/s (best of 3)`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  bench(Number(process.argv[2] ?? 100_000));
}
