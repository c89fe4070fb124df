/**
 * In-process wake-ups for long-polling agents: work enqueued for a site in this process wakes
 * the lease requests waiting for that site at once. Other replicas' enqueues are seen by the
 * lease loop's short re-poll; this only makes the common case (one process) instant.
 */
import { EventEmitter } from 'node:events';

export type SiteSignals = {
  notify(site: string): void;
  /** Resolves on a notify for `site`, after `ms`, or when `signal` aborts — whichever is first. */
  wait(site: string, ms: number, signal?: AbortSignal): Promise<void>;
};

export function createSiteSignals(): SiteSignals {
  const emitter = new EventEmitter();
  // Every waiting lease request is a listener: hundreds of agents are normal, not a leak.
  emitter.setMaxListeners(0);
  return {
    notify: (site) => {
      emitter.emit(site);
    },
    wait: (site, ms, signal) =>
      new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          emitter.off(site, done);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        emitter.on(site, done);
        signal?.addEventListener('abort', done, { once: true });
      }),
  };
}

/** This process's signals: the executor (enqueue) and the lease endpoint (wait) meet here. */
export const siteSignals: SiteSignals = createSiteSignals();
