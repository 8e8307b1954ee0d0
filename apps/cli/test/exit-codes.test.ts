import { describe, expect, it } from 'vitest';
import { CliError } from '../src/cli-error.js';
import { errorCode, exitCodeFor, isKnownError } from '../src/exit-codes.js';

describe('exit codes by error family', () => {
  it.each([
    [new CliError('unauthorized', 'wrong token'), 5, true],
    [new CliError('payload_too_large', 'body too large'), 2, true],
    [new CliError('no_such_call', 'no call'), 6, true],
    [new CliError('port_in_use', 'port 61234 on 127.0.0.1 is in use'), 7, true],
    [new CliError('data_dir_unusable', '--data x: a file'), 7, true],
    [new CliError('file_exists', 'callhook.json exists'), 2, true],
    [new CliError('delivery_failed', 'the receiver did not take the replayed delivery (http_error)'), 8, true],
    // A server that answered 500: its message is for the user, not a CLI stack trace.
    [new CliError('internal_error', 'internal error; see the server log'), 1, true],
    [new Error('a bug'), 1, false],
    [new CliError('made_up_code', 'x'), 1, false],
  ] as const)('%s → exit %i', (error, exit, known) => {
    expect(exitCodeFor(error)).toBe(exit);
    expect(isKnownError(error)).toBe(known);
    expect(errorCode(error)).toBe(known ? (error as CliError).code : 'internal_error');
  });
});
