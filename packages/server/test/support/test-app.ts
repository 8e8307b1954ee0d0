import { Engine, loadSettings, SimulatedLine, standardSinks, type SettingsInput } from '@callhook/core';
import type { FastifyInstance } from 'fastify';
import { buildApp, systemClock, cryptoRandom, headlessBrowser, type AppDeps } from '../../src/index.js';
import { RecordingFetcher } from './recording-fetcher.js';

export const TOKEN = 'test-token-0123456789abcdef';

export interface TestApp {
  app: FastifyInstance;
  engine: Engine;
  line: SimulatedLine;
  fetcher: RecordingFetcher;
  close(): Promise<void>;
}

/** Settings with the listener on, every action on, loopback only; override per test. */
export function testSettings(inbound: Record<string, unknown> = {}, rest: Partial<SettingsInput> = {}): SettingsInput {
  return {
    inbound: {
      enabled: true,
      actions: { make_call: true, answer: true, hangup: true, hold: true, unhold: true, transfer: true, dtmf: true },
      duplicateWindowMs: 0,
      ...inbound,
    } as SettingsInput['inbound'],
    ...rest,
  };
}

/** An app on a started simulated line whose outgoing calls keep ringing until told otherwise. */
export async function testApp(settings: SettingsInput = testSettings(), deps: Partial<AppDeps> = {}): Promise<TestApp> {
  const line = new SimulatedLine({ clock: systemClock, answerAfterMs: null });
  const fetcher = new RecordingFetcher();
  const engine = new Engine({
    lines: [{ id: 'default', line }],
    clock: systemClock,
    random: cryptoRandom,
    sinks: standardSinks({ fetcher, browser: headlessBrowser }),
    settings: loadSettings(settings),
  });
  await engine.start();
  const app = buildApp({ engine, ...deps });
  await app.ready();
  return {
    app,
    engine,
    line,
    fetcher,
    async close() {
      await app.close();
      await engine.stop(1_000);
    },
  };
}
