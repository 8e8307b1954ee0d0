export interface ClientIssue {
  path: string;
  message: string;
}

/** An engine refusal, with the engine's error `code` and, for settings, the bad fields. */
export class ClientError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly issues: ClientIssue[] = [],
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'ClientError';
  }
}

/** Reads `{ ok: false, code, message, details: { issues } }`, the server's error body. */
export function clientErrorFrom(body: unknown, status: number | null): ClientError {
  const record = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const code = typeof record.code === 'string' ? record.code : 'unknown_error';
  const message = typeof record.message === 'string' ? record.message : `request failed${status ? ` with ${status}` : ''}`;
  const details = record.details as { issues?: unknown } | undefined;
  const issues = Array.isArray(details?.issues)
    ? details.issues.filter((i): i is ClientIssue => typeof i?.path === 'string' && typeof i?.message === 'string')
    : [];
  return new ClientError(code, message, issues, status);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
