import type { ClientIssue } from '../client/client-error.js';

/**
 * The engine's message for one settings field, if the last Apply named it: `inbound.allowFrom` also
 * takes the issues of its entries (`inbound.allowFrom[1]`). Several messages are joined.
 */
export function fieldIssue(issues: readonly ClientIssue[], path: string): string | null {
  const messages = issues
    .filter((issue) => issue.path === path || issue.path.startsWith(`${path}[`) || issue.path.startsWith(`${path}.`))
    .map((issue) => issue.message);
  return messages.length === 0 ? null : messages.join('; ');
}
