/** Child process for the queue exclusivity test: leases from one queue until it is empty, prints the ids. */
import { createQueue } from '../../src/engine/queue/index.js';
import { createStore } from '../../src/store/create-store.js';

const [url, queue, owner, now] = process.argv.slice(2);
const store = await createStore(url!);
const q = createQueue({ store, clock: () => new Date(now!) });
const ids: number[] = [];
try {
  // A start barrier: say we are connected, then wait for the parent's go (sent once every child
  // is ready), so the leasers really overlap however slowly each process started.
  await store.jobs.stats(queue!, now!);
  process.stdout.write('ready\n');
  await new Promise((r) => process.stdin.once('data', r).once('end', r));
  for (;;) {
    const jobs = await q.lease(queue!, owner!, 3, 60_000);
    if (jobs.length === 0) break;
    ids.push(...jobs.map((j) => j.id));
    await new Promise((r) => setTimeout(r, 2));
  }
  process.stdout.write(`${JSON.stringify(ids)}\n`);
} finally {
  await store.close();
}
