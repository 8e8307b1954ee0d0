/** Shared by the bench and its phone process: the load, the clock both sides read, and the call pacing. */
export const CALLS = Number(process.env.BENCH_CALLS ?? 300);
/** Calls started per second, over all phones (three events each). */
export const RATE = Number(process.env.BENCH_RATE ?? 50);

/** Milliseconds on a clock both processes share (epoch-based, sub-millisecond). */
export const now = (): number => performance.timeOrigin + performance.now();

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Drives `calls` (default CALLS) calls at RATE per second: `begin(i)` rings call i, then `answer(i)` and `end(i)` 20 ms apart; resolves after the last `end`. */
export async function drive(begin: (i: number) => void, answer: (i: number) => void, end: (i: number) => void, calls = CALLS): Promise<void> {
  const gap = 1_000 / RATE;
  const started = performance.now();
  let ended = 0;
  let allEnded: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allEnded = resolve));
  for (let i = 0; i < calls; i++) {
    const wait = started + i * gap - performance.now();
    if (wait > 1) await sleep(wait);
    begin(i);
    setTimeout(() => {
      answer(i);
      setTimeout(() => {
        end(i);
        if (++ended === calls) allEnded();
      }, 20);
    }, 20);
  }
  await done;
}
