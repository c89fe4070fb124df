/**
 * A fake Workday RaaS endpoint on 127.0.0.1 built from test/fixtures/workday/report.json:
 * GET /ccx/service/customreport2/{tenant}/{owner}/{report}?format=json, ISU Basic auth, a
 * Worker_ID prompt. Its state is the list of report entries the tests edit to play HR.
 */
import {
  basicCredentials,
  type FakeReply,
  type FakeServer,
  fixture,
  startFakeServer,
} from './fake-http.js';

type Entry = Record<string, unknown>;

export const REPORT_PATH = '/ccx/service/customreport2/acme/ISU_Tenure/Tenure_Workers';

export type FakeWorkday = FakeServer & {
  entries: Entry[];
  reportOverride: FakeReply | undefined;
};

export async function startFakeWorkday(opts: {
  user: string;
  password: string;
}): Promise<FakeWorkday> {
  const base = fixture<{ Report_Entry: Entry[] }>('workday', 'report.json');
  const fake = (await startFakeServer((r) => {
    const auth = basicCredentials(r);
    if (auth?.user !== opts.user || auth.password !== opts.password)
      return { status: 401, body: 'Unauthorized' };
    if (r.method !== 'GET' || r.path !== REPORT_PATH)
      return { status: 404, body: 'no such report' };
    if (r.query.get('format') !== 'json')
      return {
        status: 200,
        body: '<wd:Report_Data xmlns:wd="urn:com.workday.report/Tenure_Workers"/>',
      };
    if (fake.reportOverride) return fake.reportOverride;
    const worker = r.query.get('Worker_ID');
    const entries =
      worker === null ? fake.entries : fake.entries.filter((e) => e.Worker_ID === worker);
    return { status: 200, body: { Report_Entry: entries } };
  })) as FakeWorkday;
  fake.entries = base.Report_Entry.map((e) => ({ ...e }));
  fake.reportOverride = undefined;
  return fake;
}
