import type { FastifyInstance } from 'fastify';
import type { ApiTransport } from '../../src/contract/index.js';

/** An `ApiTransport` over `app.inject`: the typed client against an app that does not listen. */
export function injectTransport(app: FastifyInstance, token: string | null = null): ApiTransport {
  return async ({ method, path, body, alsoAnswers }) => {
    const res = await app.inject({
      method,
      url: path,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      ...(body === undefined
        ? {}
        : { payload: JSON.stringify(body), headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) } }),
    });
    const payload: unknown = res.json();
    if (res.statusCode >= 300 && !alsoAnswers.includes(res.statusCode))
      throw Object.assign(new Error(`${res.statusCode}: ${res.body}`), { status: res.statusCode, payload });
    return payload;
  };
}
