/** Generates the demo organisation's two HR snapshots and CHANGES.md, deterministically. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stringify } from 'csv-stringify/sync';
import { HR_FIELDS, type HrRecord } from '../src/domain/types.js';

/** The demo's "today": snapshot 2 is taken on this day, snapshot 1 some weeks before. */
export const DEMO_TODAY = '2026-11-26';
const SEED = 20261126;

type Dept = { name: string; size: number; head: string; lead: string; ics: string[] };
// name | headcount | head's title | team lead's title | individual contributors' titles
const DEPTS: Dept[] = `
Engineering|90|VP Engineering|Engineering Manager|Software Engineer;Senior Software Engineer;Staff Engineer;QA Engineer;Site Reliability Engineer
Sales|60|VP Sales|Sales Manager|Account Executive;Senior Account Executive;Sales Development Representative;Sales Engineer
Support|42|Head of Support|Support Team Lead|Support Specialist;Senior Support Specialist;Support Engineer
Marketing|32|VP Marketing|Marketing Manager|Content Marketer;Product Marketing Manager;Growth Marketer;Brand Designer
Finance|26|Chief Financial Officer|Finance Manager|Accountant;Financial Analyst;Payroll Specialist
IT|26|Head of IT|IT Manager|IT Administrator;Helpdesk Technician;Security Engineer;Systems Engineer
People|22|Chief People Officer|People Partner Lead|HR Business Partner;Recruiter;People Operations Specialist`
  .trim()
  .split('\n')
  .map((line) => {
    const [name, size, head, lead, ics] = line.split('|') as [
      string,
      string,
      string,
      string,
      string,
    ];
    return { name, size: Number(size), head, lead, ics: ics.split(';') };
  });
const LOCATIONS = ['Paris', 'London', 'New York', 'Berlin', 'Remote'];
const FIRST =
  `Alice Hugo Léa Thomas Amira Lucas Chloé Noah Emma Jonas Sofia Mateo Priya Omar Hannah Kenji
  Fatou Ingrid Diego Mei Robert Elizabeth Samuel Aïcha Björn Nadia Oliver Grace Tariq Elena`.split(
    /\s+/,
  );
const LAST =
  `Martin Bernard Dubois Smith Johnson Müller Schmidt Rossi García Nguyen Kowalski Okafor Tanaka
  Patel Cohen Larsen Silva Fontaine Novak Haddad Brown Lefèvre Andersson Murphy Costa`.split(/\s+/);
const NICKNAMES: Record<string, string> = { Robert: 'Bob', Elizabeth: 'Liz', Samuel: 'Sam' };

/** mulberry32: a tiny seeded PRNG, so the demo never depends on the clock. */
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

const addDays = (iso: string, days: number): string =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

type PersonInput = Partial<HrRecord> & Pick<HrRecord, 'department' | 'title' | 'manager_id'>;

function createBuilder(seed: number) {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const emails = new Set<string>();
  let nextId = 1000;
  const email = (local: string): string => {
    const base = local
      .normalize('NFD')
      .replace(/[^A-Za-z.]/g, '')
      .toLowerCase();
    let candidate = base;
    for (let n = 2; emails.has(candidate); n++) candidate = `${base}${n}`;
    emails.add(candidate);
    return `${candidate}@acme.example`;
  };
  const person = (p: PersonInput): HrRecord => {
    const first = p.first_name ?? pick(FIRST);
    const last = p.last_name ?? pick(LAST);
    const nickname = NICKNAMES[first];
    return {
      employee_id: `E${nextId++}`,
      first_name: first,
      last_name: last,
      preferred_name: nickname && rand() < 0.7 ? nickname : null,
      email: email(`${first}.${last}`),
      location: pick(LOCATIONS),
      employment_type: 'employee',
      status: 'active',
      start_date: addDays('2014-01-06', Math.floor(rand() * 4600)),
      end_date: null,
      ...p,
    };
  };
  return { rand, pick, person, email };
}
type Builder = ReturnType<typeof createBuilder>;

/** Snapshot 1: a CEO, department heads reporting to the CEO, team leads, individual contributors. */
function buildSnapshot1(b: Builder): HrRecord[] {
  const ceo = b.person({
    ...{ first_name: 'Claire', last_name: 'Moreau', location: 'Paris', start_date: '2013-09-02' },
    ...{ department: 'Executive', title: 'Chief Executive Officer', manager_id: null },
  });
  const boss = ceo.employee_id;
  const people = [
    ceo,
    b.person({ department: 'Executive', title: 'Executive Assistant', manager_id: boss }),
  ];
  for (const dept of DEPTS) {
    const start_date = addDays('2013-10-07', Math.floor(b.rand() * 700));
    const head = b.person({
      department: dept.name,
      title: dept.head,
      manager_id: boss,
      start_date,
    });
    const leads = Array.from({ length: Math.ceil((dept.size - 1) / 8) }, () =>
      b.person({ department: dept.name, title: dept.lead, manager_id: head.employee_id }),
    );
    people.push(head, ...leads);
    for (let i = 1 + leads.length; i < dept.size; i++) {
      const manager_id = leads[i % leads.length]!.employee_id;
      const employment_type = b.rand() < 0.12 ? 'contractor' : 'employee';
      people.push(
        b.person({ department: dept.name, title: b.pick(dept.ics), manager_id, employment_type }),
      );
    }
  }
  // Fixed people whose names exercise quoting and unicode all the way to the targets.
  const specials: [number, Partial<HrRecord>][] = [
    [
      12,
      { first_name: 'Zoë', last_name: 'Ñúñez', preferred_name: null, email: b.email('zoe.nunez') },
    ],
    [
      40,
      {
        first_name: '小明',
        last_name: '王',
        preferred_name: '王小明',
        email: b.email('xiaoming.wang'),
      },
    ],
    [
      75,
      {
        first_name: 'Patrick',
        last_name: "O'Brien, Jr.",
        preferred_name: null,
        email: b.email('patrick.obrien'),
      },
    ],
  ];
  for (const [i, patch] of specials) people[i] = { ...people[i]!, ...patch };
  return people;
}

export type DemoChanges = {
  joiners: string[];
  movers: { id: string; changes: string[] }[];
  leavers: string[];
  rehires: string[];
  future: { id: string; note: string }[];
};
export type Demo = { snapshot1: HrRecord[]; snapshot2: HrRecord[]; changes: DemoChanges };

/** Active individual contributors with plain ASCII names, shuffled: the people who change. */
function changePool(b: Builder, people: HrRecord[]): HrRecord[] {
  const managers = new Set(people.map((p) => p.manager_id));
  return people
    .filter((r) => r.department !== 'Executive' && !managers.has(r.employee_id))
    .filter((r) => /^[A-Za-z ]+$/.test(r.first_name + r.last_name))
    .map((r) => ({ r, k: b.rand() }))
    .sort((x, y) => x.k - y.k)
    .map((x) => x.r);
}

/** 15 movers: 9 change department (and title, manager), 2 title, 2 location, 2 manager only. */
function move(
  b: Builder,
  movers: HrRecord[],
  next: Map<string, HrRecord>,
  leadsOf: (d: string) => HrRecord[],
) {
  return movers.map((r, i) => {
    const n = next.get(r.employee_id)!;
    const dept = DEPTS.find((d) => d.name === r.department)!;
    if (i < 9) {
      const to = DEPTS[(DEPTS.indexOf(dept) + 1 + (i % 3)) % DEPTS.length]!;
      n.department = to.name;
      n.title = b.pick(to.ics);
      n.manager_id = b.pick(leadsOf(to.name)).employee_id;
    } else if (i < 11) n.title = dept.ics[(dept.ics.indexOf(r.title) + 1) % dept.ics.length]!;
    else if (i < 13) n.location = LOCATIONS.find((l) => l !== r.location)!;
    else n.manager_id = leadsOf(dept.name).find((l) => l.employee_id !== r.manager_id)!.employee_id;
    const fields = (['department', 'title', 'manager_id', 'location'] as const).filter(
      (f) => n[f] !== r[f],
    );
    return { id: r.employee_id, changes: fields.map((f) => `${f}: ${r[f]} → ${n[f]}`) };
  });
}

export function generateDemo(seed = SEED): Demo {
  const b = createBuilder(seed);
  const snapshot1 = buildSnapshot1(b);
  const pool = changePool(b, snapshot1);
  const take = (n: number) => pool.splice(0, n);
  const [onLeave, terminated, leavers, movers, [futureLeaver]] = [
    take(4),
    take(4),
    take(8),
    take(15),
    take(1),
  ];
  for (const r of onLeave) r.status = 'leave';
  for (const [i, r] of terminated.entries()) {
    r.status = 'terminated';
    r.end_date = addDays('2025-03-31', i * 97);
    if (r.start_date >= r.end_date) r.start_date = addDays(r.end_date, -400);
  }

  const next = new Map(snapshot1.map((r) => [r.employee_id, { ...r }]));
  const leadsOf = (name: string) => {
    const lead = DEPTS.find((d) => d.name === name)?.lead;
    return snapshot1.filter((r) => r.department === name && r.title === lead);
  };
  for (const [i, r] of leavers.entries()) {
    Object.assign(next.get(r.employee_id)!, {
      status: 'terminated',
      end_date: addDays('2026-11-04', i * 2),
    });
  }
  const rehires = terminated.slice(0, 2);
  for (const [i, r] of rehires.entries()) {
    Object.assign(next.get(r.employee_id)!, {
      status: 'active',
      end_date: null,
      start_date: addDays('2026-11-16', i * 7),
    });
  }
  const moved = move(b, movers, next, leadsOf);
  const futureEnd = addDays(DEMO_TODAY, 64);
  next.get(futureLeaver!.employee_id)!.end_date = futureEnd;

  const joinerNames: [string, string][] = [
    ['Chloé', 'Lefèvre'],
    ['Thị Lan', 'Nguyễn'],
    ['Aisha', 'Bello'],
  ];
  const joiners = Array.from({ length: 10 }, (_, i) => {
    const dept = DEPTS[i % DEPTS.length]!;
    const [first_name, last_name] = joinerNames[i] ?? [b.pick(FIRST), b.pick(LAST)];
    const manager_id = b.pick(leadsOf(dept.name)).employee_id;
    const start_date = addDays('2026-11-03', i * 2);
    return b.person({
      first_name,
      last_name,
      department: dept.name,
      title: b.pick(dept.ics),
      manager_id,
      start_date,
    });
  });
  const futureStart = addDays(DEMO_TODAY, 39);
  const manager_id = leadsOf('Engineering')[0]!.employee_id;
  const futureJoiner = b.person({
    department: 'Engineering',
    title: 'Staff Engineer',
    manager_id,
    start_date: futureStart,
  });

  const ids = (rs: HrRecord[]) => rs.map((r) => r.employee_id);
  const changes: DemoChanges = {
    joiners: ids(joiners),
    movers: moved,
    leavers: ids(leavers),
    rehires: ids(rehires),
    future: [
      {
        id: futureLeaver!.employee_id,
        note: `scheduled leaver: end_date ${futureEnd} (still active)`,
      },
      { id: futureJoiner.employee_id, note: `future joiner: start_date ${futureStart} (pre-hire)` },
    ],
  };
  return { snapshot1, snapshot2: [...next.values(), ...joiners, futureJoiner], changes };
}

export const toDemoCsv = (records: HrRecord[]): string =>
  stringify(
    records.map((r) => HR_FIELDS.map((f) => r[f] ?? '')),
    { header: true, columns: [...HR_FIELDS] },
  );

export function changesMarkdown(demo: Demo): string {
  const byId = new Map(demo.snapshot2.map((r) => [r.employee_id, r]));
  const get = (id: string) => byId.get(id)!;
  const section = (title: string, rows: [string, string][]) =>
    [
      `## ${title} (${rows.length})`,
      '',
      '| id | name | what changes |',
      '|---|---|---|',
      ...rows.map(
        ([id, what]) => `| ${id} | ${get(id).first_name} ${get(id).last_name} | ${what} |`,
      ),
      '',
    ].join('\n');
  const c = demo.changes;
  return [
    '# Demo HR changes: employees.csv → employees-next.csv',
    '',
    `Generated by \`scripts/generate-demo.ts\` (seed ${SEED}); do not edit by hand. "Today" is ${DEMO_TODAY}.`,
    `Snapshot 1 has ${demo.snapshot1.length} rows, snapshot 2 has ${demo.snapshot2.length}. Everyone not listed is unchanged.`,
    '',
    section(
      'Joiners',
      c.joiners.map((id) => [id, `new, start_date ${get(id).start_date}, ${get(id).department}`]),
    ),
    section(
      'Movers',
      c.movers.map((m) => [m.id, m.changes.join('; ')]),
    ),
    section(
      'Leavers',
      c.leavers.map((id) => [id, `status terminated, end_date ${get(id).end_date}`]),
    ),
    section(
      'Rehires',
      c.rehires.map((id) => [id, `terminated → active, new start_date ${get(id).start_date}`]),
    ),
    section(
      'Future-dated',
      c.future.map((f) => [f.id, f.note]),
    ),
  ].join('\n');
}

/** File name (relative to examples/demo/hr) → content. */
export function demoFiles(): Record<string, string> {
  const demo = generateDemo();
  return {
    'employees.csv': toDemoCsv(demo.snapshot1),
    'employees-next.csv': toDemoCsv(demo.snapshot2),
    'CHANGES.md': changesMarkdown(demo),
  };
}

export const DEMO_HR_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'examples',
  'demo',
  'hr',
);

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await mkdir(DEMO_HR_DIR, { recursive: true });
  for (const [file, content] of Object.entries(demoFiles())) {
    await writeFile(join(DEMO_HR_DIR, file), content);
    console.log(`wrote ${join(DEMO_HR_DIR, file)}`);
  }
}
