import { afterEach, describe, expect, it } from 'vitest';
import { holdWhileStarting } from '../src/start-flags.js';
import { startServe, type Served, stopServed } from './support/cli.js';

let served: Served | null = null;
afterEach(async () => {
  await stopServed(served);
  served = null;
});

describe('holdWhileStarting', () => {
  it("holds TurboFan and the young generation's growth, and sets them back once", () => {
    const set: string[] = [];
    const hold = holdWhileStarting([], (flag) => set.push(flag));
    expect(hold.held).toEqual(['--no-turbofan', '--semi-space-growth-factor=1']);
    expect(set).toEqual(['--no-turbofan', '--semi-space-growth-factor=1']);
    hold.release();
    hold.release();
    expect(set).toEqual(['--no-turbofan', '--semi-space-growth-factor=1', '--turbofan', '--semi-space-growth-factor=2']);
  });

  it("leaves alone what the process's node flags chose (execArgv, NODE_OPTIONS words)", () => {
    const set: string[] = [];
    const hold = holdWhileStarting(['--max-semi-space-size=2', '--max-opt=1'], (flag) => set.push(flag));
    expect(hold.held).toEqual([]);
    hold.release();
    expect(set).toEqual([]);
    expect(holdWhileStarting(['--jitless'], () => undefined).held).toEqual(['--semi-space-growth-factor=1']);
    expect(holdWhileStarting(['--semi_space_growth_factor=4'], () => undefined).held).toEqual(['--no-turbofan']);
    // Flags that say nothing about either (the bench's preload, a heap cap) do not count.
    expect(holdWhileStarting(['--import', 'x.mjs', '--max-old-space-size=96'], () => undefined).held).toHaveLength(2);
  });
});

describe('serve while starting (dist/main.js)', () => {
  it('optimizes nothing with TurboFan before it is ready, and does again under load after', async () => {
    // --trace-opt (V8) writes a line to stdout for each function it marks for optimization; stdout is
    // also where `listening on` goes, so the lines before it are what the start marked.
    served = await startServe(['--demo', '--port', '0', '--data', ':memory:'], 2, undefined, { args: ['--trace-opt'] });
    const startOutput = served.stdout().slice(0, served.stdout().indexOf('listening on '));
    expect(startOutput).not.toMatch(/for optimization to TURBOFAN/);
    // Requests until something is hot enough to optimize (a few hundred usually; bounded, not timed).
    for (let i = 0; i < 20_000 && !/completed optimizing/.test(served.stdout()); i++) {
      const response = await fetch(`${served.urls[0]}healthz`);
      await response.arrayBuffer();
    }
    expect(served.stdout()).toMatch(/completed optimizing .* \(target TURBOFAN\)/);
  }, 180_000);
});
