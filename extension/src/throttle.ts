// Calls `fn` at most once per `ms`: the first call runs at once, later ones within the window are
// folded into one trailing call. For views that follow a stream of events (traps arrive every 100 ms).
export interface Throttled {
  (): void;
  dispose(): void;
}

export function throttle(fn: () => void, ms: number, clock: { now(): number; set(cb: () => void, ms: number): unknown; clear(h: unknown): void } = {
  now: () => Date.now(),
  set: (cb, t) => setTimeout(cb, t),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
}): Throttled {
  let last = -Infinity;
  let timer: unknown;
  const run = (): void => {
    timer = undefined;
    last = clock.now();
    fn();
  };
  const t = (() => {
    if (timer !== undefined) return;
    const wait = last + ms - clock.now();
    if (wait <= 0) run();
    else timer = clock.set(run, wait);
  }) as Throttled;
  t.dispose = () => {
    if (timer !== undefined) clock.clear(timer);
    timer = undefined;
  };
  return t;
}
