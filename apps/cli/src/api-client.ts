import type { ApiClient } from '@callhook/server/contract';
import { CliError } from './cli-error.js';

export interface ApiTarget {
  url: string;
  token: string | null;
}

export const DEFAULT_URL = 'http://127.0.0.1:61234';

/** The target instance from options, then CALLHOOK_URL / CALLHOOK_TOKEN. */
export function apiTarget(options: { url?: string; token?: string }): ApiTarget {
  const url = options.url ?? process.env.CALLHOOK_URL ?? DEFAULT_URL;
  try {
    new URL(url);
  } catch {
    throw new CliError('usage', `--url "${url}" is not a URL; write it like http://127.0.0.1:61234`);
  }
  return { url: url.replace(/\/+$/, ''), token: options.token ?? process.env.CALLHOOK_TOKEN ?? null };
}

/** A request to a running instance; an `{ ok:false, code, message }` answer becomes a CliError with that code. */
export async function callApi(target: ApiTarget, path: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  if (target.token) headers.authorization = `Bearer ${target.token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`${target.url}${path}`, {
      method: init.method ?? 'GET',
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    // undici refuses the Fetch standard's "bad ports" before connecting; serve refuses them too, so no
    // instance can be there: the URL is what is wrong, not the instance.
    if (cause?.message === 'bad port') {
      const port = new URL(target.url).port;
      throw new CliError(
        'unreachable',
        `cannot reach ${target.url}: fetch() refuses port ${port} (a "bad port" of the Fetch standard) and callhook serve never listens on one; check --url or CALLHOOK_URL`,
      );
    }
    throw new CliError(
      'unreachable',
      `cannot reach ${target.url}: ${cause?.code ?? cause?.message ?? (error as Error).message}; is "callhook serve" running there?`,
    );
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { code?: string; message?: string } | null;
    const hint = response.status === 401 ? ' (pass --token or set CALLHOOK_TOKEN)' : '';
    throw new CliError(body?.code ?? 'internal_error', `${body?.message ?? `HTTP ${response.status}`}${hint}`, { status: response.status });
  }
  return response;
}

/**
 * The control API's typed client (`@callhook/server/contract`) over `callApi`: refusals become
 * CliErrors as above, and every answer is parsed with its route's response schema (one that does not
 * fit rejects with the contract's `unexpected_response` error).
 */
export async function apiClient(target: ApiTarget): Promise<ApiClient> {
  // Loaded on use: the contract brings zod and core, which commands without a running instance skip.
  const { createApiClient } = await import('@callhook/server/contract');
  return createApiClient(async ({ method, path, body }) => (await callApi(target, path, { method, body })).json());
}

/** A zod schema as far as `checked` needs it (the CLI does not depend on zod itself). */
interface Checker<T> {
  safeParse(input: unknown): { success: true; data: T } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

/**
 * `value` checked with a contract schema; a misfit is a CliError with `code` naming the first bad
 * field: `usage` for a request the command is about to send, `unexpected_response` for an answer.
 */
export function checked<T>(schema: Checker<T>, value: unknown, code: 'usage' | 'unexpected_response', what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.map(String).join('.') || 'body';
  const message = issue?.message ?? 'invalid';
  // The field once: "digits takes 1–32 of …", not "digits: digits takes …".
  const where = path !== 'body' && message.startsWith(`${path} `) ? message : `${path}: ${message}`;
  throw new CliError(code, code === 'usage' ? `${what}: ${where}` : `${what} answered a body this callhook does not understand (${where})`);
}
