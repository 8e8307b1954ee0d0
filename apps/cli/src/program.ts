import { Command, InvalidArgumentError, Option } from 'commander';
import { apiTarget, DEFAULT_URL } from './api-client.js';
import { EXIT_CODE_HELP } from './exit-codes.js';
import { createOutput, type Output } from './output.js';
import { cliVersion } from './version.js';

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} takes a whole number from ${min} to ${max}`);
    return n;
  };
}

/**
 * The `callhook` command tree. Actions report through `Output`; errors propagate to main's one catch.
 * Command modules load on use, so `--version`, `--help` and client commands skip core and the server.
 */
export function buildProgram(options: { json?: boolean } = {}): Command {
  const program = new Command('callhook')
    // With --json, main prints usage errors as one JSON line instead of commander's text (set before
    // the subcommands are added: they inherit it).
    .configureOutput(options.json ? { outputError: () => undefined, writeErr: () => undefined } : {})
    .description('Connect telephone calls to the web: outbound and inbound Action URLs')
    .version(cliVersion(), '-V, --version')
    .option('--json', 'print results as JSON lines')
    .showHelpAfterError()
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  $ callhook serve --demo
  $ callhook config init --out callhook.json && callhook serve --config callhook.json
  $ callhook dial 0301234567 --url http://127.0.0.1:61234 --token $TOKEN
  $ callhook tail
  $ callhook answer && callhook dtmf 123# && callhook hangup
  $ callhook deliveries --failed --json
  $ callhook simulate incoming --from 420 --name "Michael D785"
  $ callhook expand --template 'http://crm/?n=<$remote_party>' --call call.json --action inbound

Client commands read CALLHOOK_URL (default ${DEFAULT_URL}) and CALLHOOK_TOKEN.
Colours are off with NO_COLOR or when stdout is not a terminal.
${EXIT_CODE_HELP}`,
    );

  const out = (): Output => createOutput({ json: Boolean(program.opts().json) });
  const clientOptions = (command: Command) =>
    command
      .option('--url <url>', `a running instance (default: $CALLHOOK_URL or ${DEFAULT_URL})`)
      .option('--token <token>', 'its inbound.token (default: $CALLHOOK_TOKEN)');

  program
    .command('serve')
    .description('run the headless server in the foreground; prints "listening on <url>" per address')
    .addOption(new Option('--config <file>', 'settings JSON file').conflicts('demo'))
    .option('--data <dir>', 'journal directory (default: $XDG_DATA_HOME/callhook or ~/.local/share/callhook; ":memory:" keeps nothing)')
    .option('--demo', 'simulated line, every action on, a fresh token, slots to the built-in echo receiver')
    .option('--port <port>', 'override inbound.port (0 picks a free port)', integer('--port', 0, 65535))
    .option(
      '--drain-ms <ms>',
      'on SIGINT/SIGTERM, how long stopping the line and draining deliveries may take together',
      integer('--drain-ms', 0, 600_000),
      5_000,
    )
    .option('--no-console', 'do not serve the web console under /console/')
    .option('--ca <file>', 'PEM file of a CA to trust for https receivers, besides the usual ones (repeatable)', (file: string, files: string[] = []) => [
      ...files,
      file,
    ])
    .option('--verbose', 'log every request (tokens redacted)')
    .option('--log-json', 'log JSON lines to stderr')
    // For tests and operators: a smaller in-memory delivery queue (the rest waits in the outbox).
    .addOption(
      new Option('--max-queued <n>', 'deliveries kept waiting in memory')
        .env('CALLHOOK_MAX_QUEUED')
        .argParser(integer('--max-queued', 1, 1_000_000))
        .hideHelp(),
    )
    // For tests and benches: when the parts a line needs at its first use load after ready (the SIP
    // line's media half; src/edition.ts, loadAfterReady). Longer than the process runs: the first call loads them.
    .addOption(
      new Option('--after-ready-load-ms <ms>', 'ms after ready to load what the first call needs')
        .env('CALLHOOK_AFTER_READY_LOAD_MS')
        .argParser(integer('--after-ready-load-ms', 0, 2_147_483_647))
        .hideHelp(),
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ callhook serve --demo\n  $ callhook serve --config ~/.config/callhook.json --data /var/lib/callhook\n  $ callhook serve --config callhook.json --ca /etc/ssl/private-ca.pem',
    )
    .action(async (options) => (await import('./commands/serve.js')).serve(options, out()));

  program
    .command('expand')
    .description('print the URL a slot template expands to for one call event')
    .requiredOption('--template <template>', 'slot URL with placeholders such as <$remote_party>')
    .option('--call <file>', 'call JSON: a snapshot, or what callhook calls --json / GET /api/v1/calls return')
    .option('--guid <guid>', 'which call, when the file holds several')
    .option('--sample', "expand against the manual's example call instead of a file")
    .requiredOption('--action <action>', 'inbound, outbound, connected, hold or disconnected')
    .option('--at <time>', 'event time for <$call_duration_seconds> (ISO-8601; default: disconnection or now)')
    .option(
      '--max-value-length <n>',
      "longest substituted value in characters, as a slot's maxValueLength (default: a slot's default)",
      integer('--max-value-length', 16, 8192),
    )
    .addHelpText(
      'after',
      `\nExamples:\n  $ callhook expand --template 'http://crm.example/?from=<$remote_party>&id=<$call_guid>' --call call.json --action inbound\n  $ callhook expand --template 'http://crm.example/?from=<$remote_party>' --sample --action inbound`,
    )
    .action(async (options) => (await import('./commands/expand.js')).expand(options, out()));

  const config = program.command('config').description('settings file tools');
  config
    .command('schema')
    .description('print the JSON Schema of the settings')
    .action(async () => (await import('./commands/config.js')).configSchema(out()));
  config
    .command('check <file>')
    .description('validate a settings file; names every bad field and the fix')
    .addHelpText(
      'after',
      '\nExamples:\n  $ callhook config check callhook.json\n  $ callhook --json config check callhook.json   # the settings (secrets as {"set": true}), or { issues: [{ path, message }] } on stderr',
    )
    .action(async (file: string) => (await import('./commands/config.js')).configCheck(file, out()));
  config
    .command('init')
    .description('print (or write) a starter settings file with a generated token')
    .option('--out <file>', 'write to this file (mode 0600) instead of stdout')
    .option('--force', 'replace an existing file')
    .addHelpText('after', '\nExample:\n  $ callhook config init --out callhook.json')
    .action(async (options) => (await import('./commands/config.js')).configInit(options, out()));

  const phone = program.command('phone').description('desk phones (hardware telephone mode)');
  phone
    .command('setup')
    .description('print what to enter on the desk phone of a "deskphone" line: event URLs, allow-list, prompt')
    .requiredOption('--config <file>', 'settings JSON file')
    .option('--line <id>', 'which desk-phone line, when the file has several')
    .addHelpText('after', '\nExample:\n  $ callhook phone setup --config callhook.json --line desk-12')
    .action(async (options) => (await import('./commands/phone.js')).phoneSetup(options, out()));

  clientOptions(program.command('dial <target>').description('send make_call to a running instance'))
    .option('--force', 'dial even if the same target was dialled moments ago')
    .addHelpText('after', '\nExample:\n  $ callhook dial +49301234567 --token $TOKEN')
    .action(async (number: string, options) => (await import('./commands/client-commands.js')).dial(apiTarget(options), number, options, out()));

  clientOptions(program.command('calls').description('list active and recent calls'))
    .option('--limit <n>', 'recent calls to show (1–1000)', integer('--limit', 1, 1000), 20)
    .action(async (options) => (await import('./commands/client-commands.js')).listCalls(apiTarget(options), options, out()));

  clientOptions(program.command('tail').description('follow live events (calls, deliveries, line)'))
    .option('--count <n>', 'stop after this many events', integer('--count', 1, 1_000_000))
    .action(async (options) => (await import('./commands/tail.js')).tail(apiTarget(options), options, out()));

  const callOptions = (command: Command) =>
    clientOptions(command)
      .option('--call <guid>', 'which call, when several fit (a call GUID as callhook calls shows it)')
      .option('--line <id>', 'which line the call is on, when there are several');
  const controls = [
    ['answer', 'answer the ringing call'],
    ['hangup', 'hang up (or reject a ringing call)'],
    ['hold', 'put the call on hold'],
    ['unhold', 'take the call off hold'],
  ] as const;
  for (const [action, description] of controls) {
    callOptions(program.command(action).description(`${description} on a running instance (as the console does)`))
      .addHelpText('after', `\nExamples:\n  $ callhook ${action}\n  $ callhook ${action} --call 1399c8c8-cf9e-7ebe-b64f-d12b1f7bea35 --line desk`)
      .action(async (options) => (await import('./commands/client-commands.js')).callCommand(apiTarget(options), { action }, options, out()));
  }
  callOptions(program.command('transfer <target>').description('transfer the call to a number or SIP URI (blind transfer)'))
    .addHelpText('after', '\nExample:\n  $ callhook transfer 0301234567 --call 1399c8c8-cf9e-7ebe-b64f-d12b1f7bea35')
    .action(async (transferTo: string, options) =>
      (await import('./commands/client-commands.js')).callCommand(apiTarget(options), { action: 'transfer', target: transferTo }, options, out()),
    );
  callOptions(program.command('dtmf <digits>').description('send DTMF digits (0-9, *, #, A-D; up to 32) on the call'))
    .addHelpText('after', "\nExample:\n  $ callhook dtmf '123#'")
    .action(async (digits: string, options) =>
      (await import('./commands/client-commands.js')).callCommand(apiTarget(options), { action: 'dtmf', digits }, options, out()),
    );

  clientOptions(program.command('deliveries').description('the delivery log: every Action URL attempt, newest first'))
    .option('--failed', 'only attempts that failed (HTTP error, timeout, network error, dropped)')
    .option('--call <guid>', "only this call's deliveries")
    .option('--limit <n>', 'attempts to fetch (1–1000)', integer('--limit', 1, 1000), 100)
    .addHelpText(
      'after',
      "\nExamples:\n  $ callhook deliveries --failed\n  $ callhook deliveries --call 1399c8c8-cf9e-7ebe-b64f-d12b1f7bea35 --json\n  $ callhook deliveries --failed --json | jq -r '.deliveries[].deliveryId' | xargs -n1 callhook replay",
    )
    .action(async (options) => (await import('./commands/client-commands.js')).listDeliveries(apiTarget(options), options, out()));

  clientOptions(
    program
      .command('replay <deliveryId>')
      .description('send a logged delivery again (GET slots; a POST body is not kept); exit 8 if the receiver does not take it'),
  )
    .addHelpText('after', "\nExample:\n  $ callhook replay $(callhook deliveries --failed --json | jq -r '.deliveries[0].deliveryId')")
    .action(async (deliveryId: string, options) => (await import('./commands/client-commands.js')).replay(apiTarget(options), deliveryId, out()));

  const sim = program.command('simulate').description('drive the simulated line of a running instance');
  clientOptions(sim.command('incoming').description('ring the phone from a simulated caller'))
    .requiredOption('--from <number>', 'caller number')
    .option('--name <name>', 'caller display name')
    .addHelpText('after', '\nExample:\n  $ callhook simulate incoming --from 420 --name "Michael D785"')
    .action(async (options) =>
      (await import('./commands/client-commands.js')).simulate(apiTarget(options), 'incoming', { from: options.from, name: options.name ?? null }, out()),
    );
  for (const what of ['answer', 'hangup'] as const) {
    clientOptions(sim.command(what).description(what === 'answer' ? 'answer the ringing call' : 'the remote party hangs up'))
      .option('--call <guid>', 'which call, when several fit')
      .action(async (options) =>
        (await import('./commands/client-commands.js')).simulate(apiTarget(options), what, options.call ? { call: options.call } : {}, out()),
      );
  }
  return program;
}
