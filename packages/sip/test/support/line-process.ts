import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LineEvent } from '@callhook/core';
import { waitFor } from '@callhook/test-support';
import type { OverloadStats, SocketStats } from '../../src/index.js';

interface LogRecord {
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}

/**
 * The SIP line of `line-main.ts` running in a child process (tsx), so a test can assert that the
 * process is still alive after hostile input, or lower its descriptor limit. `stop()` ends it (SIGTERM,
 * then SIGKILL after 5 s); call it from afterEach so a failing test leaves nothing behind.
 */
export class LineProcess {
  readonly events: LineEvent[] = [];
  /** When the child emitted each of `events` (epoch ms, same index). */
  readonly eventTimes: number[] = [];
  readonly logs: LogRecord[] = [];
  /** stderr and unparsed stdout, last 20,000 characters: why the process died, if it did. */
  output = '';
  port = 0;
  /** The line's in-dialog UDP port (`line.dialogPort`), once it listens; undefined with one socket. */
  dialogPort: number | undefined;
  /** The line's overloadStats() as it was stopped (SIGTERM), once `stop()` has returned. */
  overload: OverloadStats | undefined;
  /** The line's socketStats() as it was stopped (SIGTERM), once `stop()` has returned. */
  sockets: SocketStats | undefined;
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  private constructor(private readonly child: ChildProcess) {
    let pending = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const text of lines) this.record(text);
    });
    child.stderr!.on('data', (chunk: Buffer) => this.keep(chunk.toString('utf8')));
    child.on('exit', (code, signal) => (this.exit = { code, signal }));
  }

  /**
   * Starts the line with `settings` (SipLineSchema input) and waits until it listens. `nodeArgs` go to
   * its Node before the script (a bench passes `--cpu-prof`, which NODE_OPTIONS does not allow).
   */
  static async start(settings: Record<string, unknown>, timeoutMs = 30_000, nodeArgs: string[] = []): Promise<LineProcess> {
    const root = join(import.meta.dirname, '..', '..');
    const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', join(root, 'test', 'support', 'line-main.ts'), JSON.stringify(settings)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const line = new LineProcess(child);
    try {
      await waitFor(() => line.port > 0 || !line.alive, 'the line process to listen', timeoutMs);
    } catch (error) {
      await line.stop();
      throw error;
    }
    if (!line.alive) throw new Error(`the line process ended before listening: ${line.output}`);
    return line;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get alive(): boolean {
    return this.exit === undefined;
  }

  /** How it ended, for messages: `running`, `exit 1`, `signal SIGKILL`. */
  get state(): string {
    if (!this.exit) return 'running';
    return this.exit.signal ? `signal ${this.exit.signal}` : `exit ${this.exit.code}`;
  }

  /** Descriptors the process holds now (Linux /proc). */
  openDescriptors(): number {
    return readdirSync(`/proc/${this.pid}/fd`).length;
  }

  /** Waits until an event matching `match` was reported. */
  async waitForEvent(match: (event: LineEvent) => boolean, what: string, timeoutMs = 30_000): Promise<void> {
    await waitFor(() => this.events.some(match) || !this.alive, what, timeoutMs);
    if (!this.alive) throw new Error(`the line process ended (${this.state}) waiting for ${what}: ${this.output}`);
  }

  async stop(): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGTERM');
    try {
      await waitFor(() => !this.alive, 'the line process to stop', 5_000);
    } catch {
      this.child.kill('SIGKILL');
      await waitFor(() => !this.alive, 'the line process to die', 5_000);
    }
  }

  private record(text: string): void {
    let record: {
      type: string;
      port?: number;
      dialogPort?: number;
      at?: number;
      event?: LineEvent;
      stats?: OverloadStats;
      sockets?: SocketStats;
    } & Partial<LogRecord>;
    try {
      record = JSON.parse(text) as typeof record;
    } catch {
      this.keep(`${text}\n`);
      return;
    }
    if (record.type === 'ready') {
      this.dialogPort = record.dialogPort;
      this.port = record.port!;
    } else if (record.type === 'overload') {
      this.overload = record.stats;
      this.sockets = record.sockets;
    } else if (record.type === 'event') {
      this.events.push(record.event!);
      this.eventTimes.push(record.at ?? Number.NaN);
    } else if (record.type === 'log' && this.logs.length < 100_000)
      this.logs.push({ level: record.level!, message: record.message!, ...(record.fields ? { fields: record.fields } : {}) });
  }

  private keep(text: string): void {
    this.output = (this.output + text).slice(-20_000);
  }
}
