/**
 * Runs one command line (`argv` as in `process.argv`: node, script, then the arguments) and answers
 * its exit code: the one place errors become messages and exit codes. Loaded by `dist/cli.js` (tsc's
 * output) and, as CommonJS through V8's code cache, by `dist/main.js` (`src/launch.ts`).
 */
export async function run(argv: string[]): Promise<number> {
  watchStdoutPipe();
  const json = argv.includes('--json');
  const [{ CommanderError }, { buildProgram }, { errorCode, EXIT, exitCodeFor, isKnownError }] = await Promise.all([
    import('commander'),
    import('./program.js'),
    import('./exit-codes.js'),
  ]);
  const program = buildProgram({ json });
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version "fail" with exit code 0; real usage errors were already printed by commander
      // (except with --json, where they become one JSON line like every other error).
      if (error.exitCode === 0) return EXIT.ok;
      if (json)
        process.stderr.write(`${JSON.stringify({ ok: false, code: 'usage', message: `${error.message.replace(/^error: /, '')}; see callhook --help` })}\n`);
      return EXIT.usage;
    }
    const code = exitCodeFor(error);
    // Loaded only here: core (zod, phone-number rules) costs more start-up time than `--version` and `--help` need.
    const { maskCredentials } = await import('@callhook/core');
    // Masked: a message may quote a URL or an Authorization value with its credentials.
    // A bug's stack names the TypeScript sources (through the source maps beside the bundle).
    const stack = async () => (await import('./mapped-stack.js')).mappedStack((error as Error)?.stack ?? String(error));
    const message = maskCredentials(isKnownError(error) ? (error as Error).message : `unexpected error: ${await stack()}`);
    // A settings error lists every bad field: with --json as { path, message } pairs a script can read.
    const issues = isKnownError(error) ? (error as { issues?: unknown }).issues : undefined;
    const structured = Array.isArray(issues)
      ? { issues: (issues as { path: string; message: string }[]).map((i) => ({ path: i.path, message: maskCredentials(i.message) })) }
      : {};
    if (json) process.stderr.write(`${JSON.stringify({ ok: false, code: errorCode(error), message, ...structured })}\n`);
    else process.stderr.write(`${process.stderr.isTTY && !process.env.NO_COLOR ? '\u001b[31merror\u001b[39m' : 'error'} ${message}\n`);
    return code;
  }
}

/** `callhook tail | head` closes the pipe early: that is the reader being done, not a crash. */
function watchStdoutPipe(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
