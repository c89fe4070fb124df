/**
 * Prometheus text exposition, written by hand: HTTP request counts and latency (in memory, per
 * process) plus work figures read from the store at scrape time (shared by all replicas).
 * @see https://prometheus.io/docs/instrumenting/exposition_formats/
 */
import type { StoreCounts } from '../store/browse-repo.js';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labels = (l: Record<string, string>) => {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${esc(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
};

type Histogram = { buckets: number[]; sum: number; count: number };

export type WorkFigures = StoreCounts & {
  agents_online: number;
  /** On-prem agent sites: jobs waiting and the oldest one's age (docs/agent.md). */
  agent_sites?: { site: string; queue_depth: number; oldest_waiting_seconds: number }[];
  /** The scheduler's durable job queue, when this process runs one. */
  jobs?: {
    queue_depth: number;
    oldest_pending_age_seconds: number;
    leader: boolean;
    jobs_in_flight: number;
  };
};

export type Metrics = {
  observe(method: string, route: string, status: number, seconds: number): void;
  render(work: WorkFigures, now: Date): string;
};

export function createMetrics(): Metrics {
  const requests = new Map<string, { l: Record<string, string>; n: number }>();
  const durations = new Map<string, { l: Record<string, string>; h: Histogram }>();
  const startedAt = Date.now();

  return {
    observe(method, route, status, seconds) {
      const rl = { method, route, status: String(status) };
      const rk = JSON.stringify(rl);
      const r = requests.get(rk) ?? { l: rl, n: 0 };
      r.n++;
      requests.set(rk, r);
      const dl = { method, route };
      const dk = JSON.stringify(dl);
      const d = durations.get(dk) ?? {
        l: dl,
        h: { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 },
      };
      BUCKETS.forEach((b, i) => {
        if (seconds <= b) d.h.buckets[i]!++;
      });
      d.h.sum += seconds;
      d.h.count++;
      durations.set(dk, d);
    },

    render(work, now) {
      const out: string[] = [];
      const metric = (name: string, type: string, help: string, rows: [string, number][]) => {
        out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
        for (const [l, v] of rows) out.push(`${name}${l} ${v}`);
      };
      const age = (at: string | null) =>
        at === null ? 0 : Math.max(0, (now.getTime() - Date.parse(at)) / 1000);
      metric(
        'tenure_http_requests_total',
        'counter',
        'HTTP requests by method, route and status (this process).',
        [...requests.values()].map((r) => [labels(r.l), r.n]),
      );
      out.push(
        '# HELP tenure_http_request_duration_seconds HTTP request latency (this process).',
        '# TYPE tenure_http_request_duration_seconds histogram',
      );
      for (const { l, h } of durations.values()) {
        BUCKETS.forEach((b, i) => {
          out.push(
            `tenure_http_request_duration_seconds_bucket${labels({ ...l, le: String(b) })} ${h.buckets[i]}`,
          );
        });
        out.push(
          `tenure_http_request_duration_seconds_bucket${labels({ ...l, le: '+Inf' })} ${h.count}`,
          `tenure_http_request_duration_seconds_sum${labels(l)} ${h.sum}`,
          `tenure_http_request_duration_seconds_count${labels(l)} ${h.count}`,
        );
      }
      metric(
        'tenure_runs',
        'gauge',
        'Sync runs by status.',
        Object.entries(work.runs).map(([s, n]) => [labels({ status: s }), n]),
      );
      metric(
        'tenure_operations',
        'gauge',
        'Operations by outcome (queued, success, failure, pending_manual, skipped).',
        Object.entries(work.operations).map(([s, n]) => [labels({ outcome: s }), n]),
      );
      metric('tenure_queue_depth', 'gauge', 'Operations waiting to be executed.', [
        ['', work.operations.queued ?? 0],
      ]);
      metric(
        'tenure_oldest_pending_operation_age_seconds',
        'gauge',
        'Age of the oldest run that still has a queued operation (0: none).',
        [['', age(work.oldest_queued_at)]],
      );
      metric('tenure_manual_tasks_open', 'gauge', 'Open manual tasks.', [['', work.open_tasks]]);
      metric(
        'tenure_oldest_open_manual_task_age_seconds',
        'gauge',
        'Age of the oldest open manual task (0: none).',
        [['', age(work.oldest_open_task_at)]],
      );
      if (work.jobs) {
        metric(
          'tenure_jobs_queue_depth',
          'gauge',
          'Scheduler jobs queued (runs, imports, webhooks).',
          [['', work.jobs.queue_depth]],
        );
        metric(
          'tenure_jobs_oldest_pending_age_seconds',
          'gauge',
          'Age of the oldest queued scheduler job (0: none).',
          [['', work.jobs.oldest_pending_age_seconds]],
        );
        metric('tenure_jobs_in_flight', 'gauge', 'Jobs this process is running.', [
          ['', work.jobs.jobs_in_flight],
        ]);
        metric('tenure_scheduler_leader', 'gauge', '1 if this process leads the schedules.', [
          ['', work.jobs.leader ? 1 : 0],
        ]);
      }
      metric('tenure_agents_online', 'gauge', 'On-prem agents currently connected.', [
        ['', work.agents_online],
      ]);
      if (work.agent_sites && work.agent_sites.length > 0) {
        metric(
          'tenure_agent_queue_depth',
          'gauge',
          'Jobs (one account each) waiting for an on-prem agent, per site.',
          work.agent_sites.map((s) => [labels({ site: s.site }), s.queue_depth]),
        );
        metric(
          'tenure_agent_oldest_waiting_seconds',
          'gauge',
          'Age of the oldest job not yet reported by an agent, per site (0: none).',
          work.agent_sites.map((s) => [labels({ site: s.site }), s.oldest_waiting_seconds]),
        );
      }
      metric('tenure_process_uptime_seconds', 'gauge', 'Seconds since this process started.', [
        ['', (Date.now() - startedAt) / 1000],
      ]);
      metric('tenure_process_resident_memory_bytes', 'gauge', 'Resident set size.', [
        ['', process.memoryUsage.rss()],
      ]);
      return `${out.join('\n')}\n`;
    },
  };
}
