/** Child process for the multi-process test: appends batches to the audit chain at argv[2]. */
import { createStore } from '../../src/store/create-store.js';
import type { AuditInput } from '../../src/store/types.js';

const [url, worker, batches] = process.argv.slice(2);
const store = await createStore(url!);
try {
  for (let b = 0; b < Number(batches); b++) {
    await store.audit.append(
      Array.from({ length: 20 }, (_, i) => ({
        // Not a real action (audit/actions.ts): this worker only exercises concurrent appends.
        action: 'test.append' as AuditInput['action'],
        actor: `agent:w${worker}`,
        trigger: `batch:${b}`,
        target: `item:${i}`,
        outcome: 'success' as const,
        details: { worker, b, i },
      })),
    );
  }
} finally {
  await store.close();
}
