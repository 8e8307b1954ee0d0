/** Real-time sleep for tests that talk to sockets and processes. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` every 20 ms until it holds, for things that happen on sockets or in another process;
 * throws "timed out waiting for `what`" after `timeoutMs` (the deadline only bounds a hang).
 */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
