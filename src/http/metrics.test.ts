import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.js';

const work = {
  runs: { done: 2, held: 1 },
  operations: { success: 10, queued: 3 },
  oldest_queued_at: '2026-11-26T09:00:00.000Z',
  open_tasks: 4,
  oldest_open_task_at: null,
  agents_online: 1,
};

describe('metrics', () => {
  it('renders counters, a cumulative histogram and the work gauges', () => {
    const m = createMetrics();
    m.observe('GET', '/api/v1/identities', 200, 0.004);
    m.observe('GET', '/api/v1/identities', 200, 0.03);
    const text = m.render(work, new Date('2026-11-26T09:01:00.000Z'));
    expect(text).toContain(
      'tenure_http_requests_total{method="GET",route="/api/v1/identities",status="200"} 2',
    );
    expect(text).toContain(
      'tenure_http_request_duration_seconds_bucket{method="GET",route="/api/v1/identities",le="0.005"} 1',
    );
    expect(text).toContain(
      'tenure_http_request_duration_seconds_bucket{method="GET",route="/api/v1/identities",le="0.05"} 2',
    );
    expect(text).toContain(
      'tenure_http_request_duration_seconds_count{method="GET",route="/api/v1/identities"} 2',
    );
    expect(text).toContain('tenure_queue_depth 3');
    expect(text).toContain('tenure_oldest_pending_operation_age_seconds 60');
    expect(text).toContain('tenure_runs{status="held"} 1');
    expect(text).toContain('tenure_agents_online 1');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('escapes label values', () => {
    const m = createMetrics();
    m.observe('GET', '/a"b\\c\nd', 404, 0.1);
    expect(m.render(work, new Date())).toContain('route="/a\\"b\\\\c\\nd"');
  });
});
