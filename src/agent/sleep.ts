/** Interruptible waiting: a sleep that a stop ends early, and a one-shot wake-up signal. */

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** `wait()` resolves at the next `notify()` (or after `ms`, when given). */
export function createSignal() {
  let waiters: (() => void)[] = [];
  return {
    notify(): void {
      const w = waiters;
      waiters = [];
      for (const f of w) f();
    },
    wait(ms?: number): Promise<void> {
      return new Promise((resolve) => {
        let timer: NodeJS.Timeout | undefined;
        const f = () => {
          if (timer) clearTimeout(timer);
          resolve();
        };
        waiters.push(f);
        if (ms !== undefined)
          timer = setTimeout(() => {
            waiters = waiters.filter((x) => x !== f);
            resolve();
          }, ms);
      });
    },
  };
}
