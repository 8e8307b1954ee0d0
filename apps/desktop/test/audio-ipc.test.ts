import { AUDIO_CHANNELS, type AudioDevices } from '@callhook/ui/audio-wire';
import { describe, expect, it } from 'vitest';
import { registerAudioIpc } from '../src/main/audio-ipc.js';
import { audioOfLine } from '../src/main/call-audio-port.js';
import { parsePrefs } from '../src/main/desktop-prefs.js';
import type { AudioPortMain, IpcInvokeEvent } from '../src/main/electron-ports.js';
import { mediaPermission } from '../src/main/media-permission.js';
import { FakeAudioPort, FakeCallAudio, FakeIpcMain } from './support/fakes.js';

function setup(trusted = true) {
  const ipc = new FakeIpcMain();
  const connected: AudioPortMain[] = [];
  let saved: AudioDevices = { input: null, output: null };
  const renderEnd = { id: 'renderer end' };
  registerAudioIpc(
    ipc,
    {
      createChannel: () => ({ port1: new FakeAudioPort(), port2: renderEnd }),
      connect: (port) => void connected.push(port),
      getDevices: () => saved,
      saveDevices: (devices) => (saved = devices),
    },
    () => trusted,
  );
  const posted: { channel: string; message: unknown; transfer: unknown[] | undefined }[] = [];
  const event: IpcInvokeEvent = {
    senderFrame: { url: 'file:///app/index.html' },
    sender: { postMessage: (channel, message, transfer) => void posted.push({ channel, message, transfer }) },
  };
  const invoke = (channel: string, ...args: unknown[]) => Promise.resolve(ipc.handlers.get(channel)!(event, ...args));
  return { ipc, connected, posted, invoke, renderEnd, saved: () => saved };
}

describe('audio IPC', () => {
  it('open: hands main its end and posts the renderer its end on the port channel', async () => {
    const { invoke, connected, posted, renderEnd } = setup();
    await expect(invoke(AUDIO_CHANNELS.open)).resolves.toEqual({ ok: true, value: null });
    expect(connected).toHaveLength(1);
    expect(posted).toEqual([{ channel: AUDIO_CHANNELS.port, message: null, transfer: [renderEnd] }]);
  });

  it('saves a checked device choice and reads it back', async () => {
    const { invoke, saved } = setup();
    await expect(invoke(AUDIO_CHANNELS.saveDevices, { input: 'mic-2', output: null })).resolves.toEqual({ ok: true, value: { input: 'mic-2', output: null } });
    expect(saved()).toEqual({ input: 'mic-2', output: null });
    await expect(invoke(AUDIO_CHANNELS.getDevices)).resolves.toEqual({ ok: true, value: { input: 'mic-2', output: null } });
  });

  it('refuses a bad device choice with the field, and keeps the saved one', async () => {
    const { invoke, saved } = setup();
    for (const bad of [{ input: 5 }, { input: 'x'.repeat(600) }, { input: null, output: null, extra: 1 }, 'mic']) {
      await expect(invoke(AUDIO_CHANNELS.saveDevices, bad)).resolves.toMatchObject({ ok: false, code: 'bad_request' });
    }
    expect(saved()).toEqual({ input: null, output: null });
  });

  it('answers a frame that is not the console with forbidden, and opens nothing', async () => {
    const { invoke, connected, posted } = setup(false);
    await expect(invoke(AUDIO_CHANNELS.open)).resolves.toMatchObject({ ok: false, code: 'forbidden' });
    expect([connected, posted]).toEqual([[], []]);
  });

  it('unregisters its handlers', () => {
    const ipc = new FakeIpcMain();
    const off = registerAudioIpc(
      ipc,
      {
        createChannel: () => ({ port1: new FakeAudioPort(), port2: null }),
        connect: () => undefined,
        getDevices: () => ({ input: null, output: null }),
        saveDevices: (d) => d,
      },
      () => true,
    );
    expect(ipc.handlers.size).toBe(3);
    off();
    expect(ipc.handlers.size).toBe(0);
  });
});

describe('desktop prefs: audio devices', () => {
  it('keeps a saved choice and falls back to the defaults for a bad one', () => {
    expect(parsePrefs('{"audio":{"input":"mic-1","output":"spk-1"}}').audio).toEqual({ input: 'mic-1', output: 'spk-1' });
    expect(parsePrefs('{"audio":{"input":7}}').audio).toEqual({ input: null, output: null });
  });
});

describe('microphone permission', () => {
  const decide = (origins: string[], permission: string, url: string, mediaTypes?: string[]) => {
    let granted: boolean | undefined;
    mediaPermission(origins)(null, permission, (g) => (granted = g), { requestingUrl: url, ...(mediaTypes ? { mediaTypes } : {}) });
    return granted;
  };

  it('grants the microphone and speaker choice to the console page only, never the camera or other permissions', () => {
    expect(decide(['file://'], 'media', 'file:///app/index.html', ['audio'])).toBe(true);
    expect(decide(['file://'], 'speaker-selection', 'file:///app/index.html')).toBe(true);
    expect(decide(['file://'], 'media', 'file:///app/index.html', ['audio', 'video'])).toBe(false);
    expect(decide(['file://'], 'geolocation', 'file:///app/index.html')).toBe(false);
    expect(decide(['file://'], 'media', 'https://evil.example/', ['audio'])).toBe(false);
    expect(decide(['http://localhost:5173'], 'media', 'http://localhost:5173/#calls', ['audio'])).toBe(true);
    expect(decide(['http://localhost:5173'], 'media', 'not a url', ['audio'])).toBe(false);
  });
});

describe('audioOfLine', () => {
  it("uses the line's audioOf when it has one, and is null without it", () => {
    const audio = new FakeCallAudio();
    const line = { kind: 'sip', audioOf: (id: string) => (id === 'c1' ? audio : undefined) };
    expect(audioOfLine(line, 'c1')).toBe(audio);
    expect(audioOfLine(line, 'c2')).toBeNull();
    expect(audioOfLine({ kind: 'simulator' }, 'c1')).toBeNull();
  });
});
