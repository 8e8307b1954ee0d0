import { describe, expect, it } from 'vitest';
import { fieldIssue } from '../src/state/field-issue.js';

describe('fieldIssue', () => {
  const issues = [
    { path: 'inbound.allowFrom[0]', message: 'bad range' },
    { path: 'inbound.allowFrom[2]', message: 'bad address' },
    { path: 'inbound.port', message: 'port must be 1–65535' },
    { path: 'inbound.portal', message: 'not the port' },
  ];
  it.each([
    ['inbound.allowFrom', 'bad range; bad address'],
    ['inbound.port', 'port must be 1–65535'],
    ['inbound.listen', null],
  ])('%s → %s', (path, message) => {
    expect(fieldIssue(issues, path)).toBe(message);
  });
});
