import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requirePeer } from './peers.js';
import { freeSipPort as freePort, isSipPortFree as isFree } from './sip-port.js';
import { sleep } from './wait-for.js';

export interface BaresipEvent {
  type: string;
  [key: string]: unknown;
}

export interface Baresip {
  sipPort: number;
  /** The baresip process's id (its CPU: `processCpuMs(pid)`). */
  pid: number;
  events: BaresipEvent[];
  command(command: string, params?: string): Promise<{ ok: boolean; data: string }>;
  waitEvent(type: string, timeoutMs?: number): Promise<BaresipEvent>;
  /** Calls `listener` with every ctrl_tcp event from now on (`CALL_INCOMING`, `CALL_ESTABLISHED`, `CALL_CLOSED`…); returns the unsubscribe. */
  onEvent(listener: (event: BaresipEvent) => void): () => void;
  /** Polls `reginfo` until the account shows registered (bounded). */
  waitRegistered(timeoutMs?: number): Promise<void>;
  log(): string;
  stop(): Promise<void>;
}

/** Media set-up of a baresip: what it plays and where it writes what it hears. */
export interface BaresipMedia {
  /** A mono 16-bit WAV at the codec's rate that the aufile module plays as the microphone. */
  sourceWav?: string;
  /** A directory where the sndfile module writes each call's decoded (`-dec.wav`) and encoded audio. */
  dumpDir?: string;
  /** Codec modules to load besides g711 (e.g. `opus`, `g722`). */
  codecModules?: string[];
  /**
   * No sound device at all (no alsa module, player and alert `none`): baresip still answers and sends
   * `sourceWav`. `alsa,null` spins device threads per call, so a CPU measurement would measure the device.
   */
  noSoundDevice?: boolean;
  /** `call_max_calls` (baresip's default is 4). */
  maxCalls?: number;
}

/**
 * A baresip config file's text: loopback SIP on `sipPort`, G.711 (and `media.codecModules`), with
 * `ctrlPort` the menu and ctrl_tcp modules. Used by startBaresip and by benches that run baresip themselves.
 */
export function baresipConfig(options: { sipPort: number; ctrlPort?: number } & BaresipMedia): string {
  const device = options.noSoundDevice ? 'none,none' : 'alsa,null';
  return [
    'poll_method epoll',
    `sip_listen 127.0.0.1:${options.sipPort}`,
    'net_interface 127.0.0.1',
    `audio_player ${device}`,
    options.sourceWav ? `audio_source aufile,${options.sourceWav}` : `audio_source ${device}`,
    `audio_alert ${device}`,
    ...(options.maxCalls ? [`call_max_calls ${options.maxCalls}`] : []),
    'module_path /usr/lib/baresip/modules',
    'module g711.so',
    ...(options.codecModules ?? []).map((name) => `module ${name}.so`),
    ...(options.noSoundDevice ? [] : ['module alsa.so']),
    ...(options.sourceWav ? ['module aufile.so'] : []),
    ...(options.dumpDir ? ['module sndfile.so', `snd_path ${options.dumpDir}`] : []),
    'module_app account.so',
    ...(options.ctrlPort ? ['module_app menu.so', 'module_app ctrl_tcp.so', `ctrl_tcp_listen 127.0.0.1:${options.ctrlPort}`] : []),
    '',
  ].join('\n');
}

/** `seconds` of a `hz` tone, mono 16-bit 8 kHz WAV (amplitude 8000, about −12 dBFS): a baresip microphone for aufile. */
export function writeToneWav(path: string, hz = 400, seconds = 1): void {
  const samples = 8_000 * seconds;
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0);
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVEfmt ', 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(8_000, 24);
  wav.writeUInt32LE(16_000, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36);
  wav.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) wav.writeInt16LE(Math.round(8_000 * Math.sin((2 * Math.PI * hz * i) / 8_000)), 44 + i * 2);
  writeFileSync(path, wav);
}

/** User + system CPU ms of a process (all its threads) so far, from /proc/<pid>/stat; NaN once it has ended. */
export function processCpuMs(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return NaN;
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/**
 * Runs baresip headless with ctrl_tcp, for one account line: ALSA null devices and G.711 by default;
 * with `media`, its microphone is a WAV file (aufile), what it hears is dumped to WAV (sndfile), and
 * `noSoundDevice` drops the ALSA devices.
 */
export async function startBaresip(account: string, media: BaresipMedia = {}): Promise<Baresip> {
  const binary = requirePeer('baresip');
  const dir = mkdtempSync(join(tmpdir(), 'callhook-baresip-'));
  // baresip also binds SIP over TLS on sip_listen's port + 1: both must be free.
  let sipPort = await freePort();
  for (let attempt = 0; attempt < 20 && !(await isFree(sipPort + 1)); attempt++) sipPort = await freePort();
  const ctrlPort = await freePort();
  writeFileSync(join(dir, 'config'), baresipConfig({ sipPort, ctrlPort, ...media }));
  writeFileSync(join(dir, 'accounts'), account + '\n');
  const child = spawn(binary, ['-f', dir], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const append = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-30_000));
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let socket: Socket | undefined;
  for (let attempt = 0; attempt < 80 && !socket && child.exitCode === null; attempt++) {
    socket = await new Promise<Socket | undefined>((resolve) => {
      const candidate = connect({ host: '127.0.0.1', port: ctrlPort }, () => resolve(candidate));
      candidate.once('error', () => resolve(undefined));
    });
    if (!socket) await sleep(100);
  }
  const stop = async () => {
    socket?.destroy();
    if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.race([exited, sleep(3_000)]);
    // With calls up, baresip's SIGTERM sends BYEs and waits for answers: killed, it is gone when stop() returns.
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await Promise.race([exited, sleep(3_000)]);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  if (!socket) {
    await stop();
    throw new Error(`baresip ctrl_tcp did not come up on ${ctrlPort} (exit code ${child.exitCode}):\n${log.slice(-3000)}`);
  }
  return controller(socket, sipPort, child.pid!, () => log, stop);
}

function controller(socket: Socket, sipPort: number, pid: number, log: () => string, stop: () => Promise<void>): Baresip {
  const events: BaresipEvent[] = [];
  const pending = new Map<string, (response: { ok: boolean; data: string }) => void>();
  const eventWaiters: { type: string; resolve: (event: BaresipEvent) => void }[] = [];
  const listeners = new Set<(event: BaresipEvent) => void>();
  let buffer = '';
  let nextToken = 1;
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    for (;;) {
      const colon = buffer.indexOf(':');
      if (colon === -1) return;
      const length = Number(buffer.slice(0, colon));
      if (buffer.length < colon + 1 + length + 1) return;
      const message = JSON.parse(buffer.slice(colon + 1, colon + 1 + length)) as Record<string, unknown>;
      buffer = buffer.slice(colon + 1 + length + 1);
      if (message.response) pending.get(String(message.token))?.({ ok: Boolean(message.ok), data: String(message.data ?? '') });
      if (message.event) {
        const event = message as BaresipEvent;
        events.push(event);
        for (const listener of listeners) listener(event);
        for (const waiter of eventWaiters.filter((candidate) => candidate.type === event.type)) {
          eventWaiters.splice(eventWaiters.indexOf(waiter), 1);
          waiter.resolve(event);
        }
      }
    }
  });
  return {
    sipPort,
    pid,
    events,
    log,
    stop,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    command(command, params) {
      const token = String(nextToken++);
      const body = JSON.stringify({ command, ...(params === undefined ? {} : { params }), token });
      socket.write(`${Buffer.byteLength(body)}:${body},`);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`baresip did not answer ${command}`)), 5_000);
        pending.set(token, (response) => {
          clearTimeout(timer);
          resolve(response);
        });
      });
    },
    async waitRegistered(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      let info = '';
      while (Date.now() < deadline) {
        info = (await this.command('reginfo')).data;
        if (/OK\s/.test(info)) return;
        await sleep(100);
      }
      throw new Error(`baresip did not register: ${info}\n${log().slice(-2000)}`);
    },
    waitEvent(type, timeoutMs = 10_000) {
      const seen = events.find((event) => event.type === type);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no baresip ${type} within ${timeoutMs} ms; saw ${events.map((event) => event.type).join(',')}\n${log().slice(-2000)}`)),
          timeoutMs,
        );
        eventWaiters.push({ type, resolve: (event) => (clearTimeout(timer), resolve(event)) });
      });
    },
  };
}
