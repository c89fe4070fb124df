/** The demo organisation: both snapshots parse cleanly and differ exactly as CHANGES.md says. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_HR_DIR, DEMO_TODAY, demoFiles } from '../../scripts/generate-demo.js';
import { type HrRecord, MOVER_FIELDS } from '../../src/domain/types.js';
import { checkSnapshotDrop, type HrReadResult, readHrFile } from '../../src/sources/file/index.js';

const addDays = (iso: string, n: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const IN_30_DAYS = addDays(DEMO_TODAY, 30);

let s1: HrReadResult;
let s2: HrReadResult;
const byId = (r: HrReadResult) => new Map(r.records.map((x) => [x.record.employee_id, x.record]));

/** Lifecycle categories derived purely from the two snapshots. */
function diff(before: Map<string, HrRecord>, after: Map<string, HrRecord>) {
  const out = {
    joiners: [] as string[],
    future: [] as string[],
    leavers: [] as string[],
    rehires: [] as string[],
    movers: [] as string[],
    deptMovers: [] as string[],
    unchanged: 0,
    removed: [] as string[],
  };
  for (const id of before.keys()) if (!after.has(id)) out.removed.push(id);
  for (const [id, n] of after) {
    const o = before.get(id);
    if (!o) (n.start_date > DEMO_TODAY ? out.future : out.joiners).push(id);
    else if (o.status === 'terminated' && n.status === 'active') out.rehires.push(id);
    else if (o.status !== 'terminated' && n.status === 'terminated') out.leavers.push(id);
    else if (o.end_date === null && n.end_date !== null && n.end_date > DEMO_TODAY)
      out.future.push(id);
    else if (MOVER_FIELDS.some((f) => o[f] !== n[f])) {
      out.movers.push(id);
      if (o.department !== n.department) out.deptMovers.push(id);
    } else {
      expect(n).toEqual(o);
      out.unchanged++;
    }
  }
  return out;
}

/** Ids listed in a CHANGES.md section table. */
function section(md: string, title: string): string[] {
  const body = md.split(`## ${title} (`)[1]?.split('\n## ')[0] ?? '';
  return [...body.matchAll(/^\| (E\d+) \|/gm)].map((m) => m[1]!);
}

describe('demo organisation', () => {
  beforeAll(async () => {
    s1 = await readHrFile(join(DEMO_HR_DIR, 'employees.csv'));
    s2 = await readHrFile(join(DEMO_HR_DIR, 'employees-next.csv'));
  });

  it('the committed files are what the generator produces (deterministic, up to date)', async () => {
    for (const [file, content] of Object.entries(demoFiles())) {
      expect(await readFile(join(DEMO_HR_DIR, file), 'utf8'), file).toBe(content);
    }
  });

  it('both snapshots parse with zero rejections and zero warnings', () => {
    for (const s of [s1, s2]) {
      expect(s.rejected).toEqual([]);
      expect(s.warnings).toEqual([]);
    }
    expect(s1.rowCount).toBeGreaterThanOrEqual(280);
    expect(checkSnapshotDrop(s1.rowCount, s2.rowCount, 0.1)).toEqual({ ok: true });
  });

  it('snapshot 1 looks like a real organisation', () => {
    const people = s1.records.map((x) => x.record);
    const depts = new Set(people.map((p) => p.department));
    for (const d of ['Engineering', 'Sales', 'Marketing', 'Finance', 'People', 'Support', 'IT'])
      expect(depts).toContain(d);
    const ceo = people.filter((p) => p.manager_id === null);
    expect(ceo).toHaveLength(1);
    const ids = byId(s1);
    for (const p of people) {
      let cur: HrRecord | undefined = p;
      for (let hops = 0; cur?.manager_id; hops++) {
        expect(hops).toBeLessThan(10);
        cur = ids.get(cur.manager_id);
      }
      expect(cur).toBe(ceo[0]); // every chain ends at the CEO
      expect(p.start_date <= DEMO_TODAY).toBe(true);
    }
    expect(people.filter((p) => p.status === 'leave').length).toBeGreaterThanOrEqual(2);
    expect(people.filter((p) => p.status === 'terminated').length).toBeGreaterThanOrEqual(2);
    expect(new Set(people.map((p) => p.employment_type))).toEqual(
      new Set(['employee', 'contractor']),
    );
    expect(new Set(people.map((p) => p.location)).size).toBeGreaterThanOrEqual(4);
    const names = people.map((p) => `${p.first_name} ${p.last_name}`);
    for (const n of ['Zoë Ñúñez', '小明 王', "Patrick O'Brien, Jr."]) expect(names).toContain(n);
  });

  it('snapshot 2 has the promised joiners, movers, leavers, rehires and future-dated changes', () => {
    const d = diff(byId(s1), byId(s2));
    expect(d.removed).toEqual([]);
    expect(d.joiners).toHaveLength(10);
    expect(d.movers).toHaveLength(15);
    expect(d.deptMovers.length).toBeGreaterThanOrEqual(8);
    expect(d.leavers).toHaveLength(8);
    expect(d.rehires).toHaveLength(2);
    expect(d.future).toHaveLength(2);
    const after = byId(s2);
    for (const id of d.leavers) expect(after.get(id)!.end_date! <= DEMO_TODAY).toBe(true);
    for (const id of d.rehires)
      expect(after.get(id)).toMatchObject({ end_date: null, status: 'active' });
    const [a, b] = d.future.map((id) => after.get(id)!);
    expect([a, b].some((r) => r!.start_date >= IN_30_DAYS)).toBe(true);
    expect([a, b].some((r) => (r!.end_date ?? '') >= IN_30_DAYS)).toBe(true);
  });

  it('CHANGES.md lists exactly those ids', async () => {
    const md = await readFile(join(DEMO_HR_DIR, 'CHANGES.md'), 'utf8');
    const d = diff(byId(s1), byId(s2));
    const sorted = (xs: string[]) => [...xs].sort();
    expect(sorted(section(md, 'Joiners'))).toEqual(sorted(d.joiners));
    expect(sorted(section(md, 'Movers'))).toEqual(sorted(d.movers));
    expect(sorted(section(md, 'Leavers'))).toEqual(sorted(d.leavers));
    expect(sorted(section(md, 'Rehires'))).toEqual(sorted(d.rehires));
    expect(sorted(section(md, 'Future-dated'))).toEqual(sorted(d.future));
  });
});
