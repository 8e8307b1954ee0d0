import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function violations(code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}packages/core/src/boundary-probe.ts` });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

// Loading ESLint's config and parsers takes half a second on a quiet machine and over ten on a busy
// one: pay it once, under a deadline that only bounds a hang, so no single case carries it.
const LOAD_DEADLINE_MS = 120_000;

describe('the lint rule keeps core free of I/O', { timeout: 30_000 }, () => {
  beforeAll(async () => {
    await violations('export {};\n');
  }, LOAD_DEADLINE_MS);

  const forbidden: [string, string][] = [
    ['node: imports', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n"],
    ['bare built-ins', "import { createServer } from 'http';\nexport const x = createServer;\n"],
    ['fastify', "import Fastify from 'fastify';\nexport const x = Fastify;\n"],
    ['undici', "import { request } from 'undici';\nexport const x = request;\n"],
    ['electron', "import { app } from 'electron';\nexport const x = app;\n"],
    ['process', 'export const x = process.env.HOME;\n'],
    ['DOM globals', 'export const x = document.title;\n'],
    ['timers outside the Clock', 'export const x = setTimeout(() => {}, 1);\n'],
    ['Date.now outside the Clock', 'export const x = Date.now();\n'],
    ['Math.random outside Random', 'export const x = Math.random();\n'],
  ];
  it.each(forbidden)('refuses %s', async (_name, code) => {
    expect(await violations(code)).not.toEqual([]);
  });

  it('accepts pure code', async () => {
    expect(await violations('export const x = new URL("http://h/").host + encodeURIComponent("a");\n')).toEqual([]);
  });
});
