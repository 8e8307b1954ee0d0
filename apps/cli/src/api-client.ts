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
    throw new CliError('unreachable', `cannot reach ${target.url}: ${cause?.code ?? cause?.message ?? (error as Error).message}; is "callhook serve" running there?`);
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { code?: string; message?: string } | null;
    const hint = response.status === 401 ? ' (pass --token or set CALLHOOK_TOKEN)' : '';
    throw new CliError(body?.code ?? 'internal_error', `${body?.message ?? `HTTP ${response.status}`}${hint}`, { status: response.status });
  }
  return response;
}

export async function callJson<T>(target: ApiTarget, path: string, init?: { method?: string; body?: unknown }): Promise<T> {
  const response = await callApi(target, path, init);
  return (await response.json()) as T;
}
