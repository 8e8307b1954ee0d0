import type * as z from 'zod';
import { API, type ApiRoutes, type RouteContract, type RouteName } from './routes.js';

/** A request as the transport sends it: the path already has its parameters and query filled in. */
export interface ApiRequest {
  method: RouteContract['method'];
  /** e.g. `/api/v1/calls?limit=5`; relative to the instance's origin. */
  path: string;
  /** The JSON body, when the route takes one. */
  body?: unknown;
  /** Statuses besides 2xx whose body is still the route's answer (`/healthz`'s 503). */
  alsoAnswers: readonly number[];
}

/**
 * Sends one request and resolves with the parsed JSON answer of a 2xx (or `alsoAnswers`) status; it
 * rejects with its own error for anything else (unreachable, an `{ ok: false, … }` answer).
 */
export type ApiTransport = (request: ApiRequest) => Promise<unknown>;

type Part<R, K extends 'params' | 'body'> = R extends Record<K, infer S extends z.ZodType> ? { [P in K]: z.input<S> } : { [P in K]?: never };
type QueryPart<R> = R extends { query: infer S extends z.ZodType } ? { query?: Partial<z.input<S>> } : { query?: never };

/** What a call of route `R` takes: its path parameters, query and body, each only when it has one. */
export type RequestOf<R> = Part<R, 'params'> & QueryPart<R> & Part<R, 'body'>;
/** What route `R` answers, after its response schema parsed it. */
export type ResponseOf<R> = R extends { response: infer S extends z.ZodType } ? z.output<S> : never;

type Method<R> = object extends RequestOf<R> ? (request?: RequestOf<R>) => Promise<ResponseOf<R>> : (request: RequestOf<R>) => Promise<ResponseOf<R>>;

/** One method per route of `API`, named like the route. */
export type ApiClient = { [N in RouteName]: Method<ApiRoutes[N]> };

/** An answer that does not fit the route's response schema (another version of callhook, a proxy's page). */
export class ApiResponseError extends Error {
  readonly code = 'unexpected_response';
  constructor(
    readonly route: RouteName,
    readonly issues: { path: string; message: string }[],
  ) {
    super(
      `${API[route].method} ${API[route].path} answered a body this client does not understand (${issues[0] ? `${issues[0].path || 'body'}: ${issues[0].message}` : 'no detail'})`,
    );
    this.name = 'ApiResponseError';
  }
}

/**
 * Fills `:name` segments from `params` and appends `query` (undefined values left out). Components are
 * percent-encoded with encodeURIComponent, not URLSearchParams: that writes a space as `+`, which the
 * listener reads as a plus sign (RFC 3986).
 */
export function routePath(path: string, params: Record<string, unknown> = {}, query: Record<string, unknown> = {}): string {
  const filled = path.replace(/:([A-Za-z]+)/g, (_, name: string) => encodeURIComponent(String(params[name] ?? '')));
  const pairs = Object.entries(query)
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
  return pairs.length === 0 ? filled : `${filled}?${pairs.join('&')}`;
}

/**
 * The typed client of the control API: each method sends through `transport` and parses the answer
 * with the route's response schema, so callers get checked values and never cast.
 */
export function createApiClient(transport: ApiTransport): ApiClient {
  const call = async (name: RouteName, request: { params?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown } = {}) => {
    const route: RouteContract = API[name];
    const payload = await transport({
      method: route.method,
      path: routePath(route.path, request.params, request.query),
      ...(request.body === undefined ? {} : { body: request.body }),
      alsoAnswers: route.alsoAnswers ?? [],
    });
    const parsed = route.response.safeParse(payload);
    if (!parsed.success) {
      throw new ApiResponseError(
        name,
        parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      );
    }
    return parsed.data;
  };
  const client: Partial<Record<RouteName, unknown>> = {};
  for (const name of Object.keys(API) as RouteName[]) client[name] = (request?: object) => call(name, request);
  return client as ApiClient;
}
