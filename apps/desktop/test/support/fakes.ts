import type { CallAudioPort } from '../../src/main/call-audio-port.js';
import type { AudioPortMain, InstanceAppPort, IpcInvokeEvent, IpcMainPort, NotificationOptions, NotificationPort } from '../../src/main/electron-ports.js';

export class FakeNotification implements NotificationPort {
  shown = false;
  closed = false;
  private readonly listeners = new Map<string, (...args: never[]) => void>();
  constructor(readonly options: NotificationOptions) {}
  show() {
    this.shown = true;
  }
  close() {
    this.closed = true;
  }
  on(event: string, listener: (...args: never[]) => void) {
    this.listeners.set(event, listener);
    return this;
  }
  fire(event: 'action', index: number): void;
  fire(event: 'click' | 'close'): void;
  fire(event: string, index?: number) {
    (this.listeners.get(event) as ((...args: unknown[]) => void) | undefined)?.({}, index);
  }
}

export class FakeIpcMain implements IpcMainPort {
  readonly handlers = new Map<string, (event: IpcInvokeEvent, ...args: unknown[]) => unknown>();
  handle(channel: string, listener: (event: IpcInvokeEvent, ...args: unknown[]) => unknown) {
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`no handler for ${channel}`);
    return Promise.resolve(handler({ senderFrame: { url: 'file:///app/dist/renderer/index.html' } }, ...args));
  }
}

export class FakeApp implements InstanceAppPort {
  quitCalled = false;
  readonly listeners = new Map<string, (...args: never[]) => void>();
  constructor(private readonly gotLock: boolean) {}
  requestSingleInstanceLock() {
    return this.gotLock;
  }
  on(event: string, listener: (...args: never[]) => void) {
    this.listeners.set(event, listener);
    return this;
  }
  quit() {
    this.quitCalled = true;
  }
  emit(event: string, ...args: unknown[]) {
    (this.listeners.get(event) as ((...a: unknown[]) => void) | undefined)?.(...args);
  }
}

/** Main's end of an audio port: `deliver` plays the renderer posting, `sent` is what main posted. */
export class FakeAudioPort implements AudioPortMain {
  readonly sent: unknown[] = [];
  started = false;
  closed = false;
  private messageListeners: ((event: { data: unknown }) => void)[] = [];
  private closeListeners: (() => void)[] = [];
  postMessage(message: unknown) {
    if (this.closed) throw new Error('posted to a closed port');
    this.sent.push(message);
  }
  on(event: 'message' | 'close', listener: ((event: { data: unknown }) => void) | (() => void)) {
    if (event === 'message') this.messageListeners.push(listener as (event: { data: unknown }) => void);
    else this.closeListeners.push(listener as () => void);
    return this;
  }
  removeListener(_event: 'message', listener: (event: { data: unknown }) => void) {
    this.messageListeners = this.messageListeners.filter((l) => l !== listener);
    return this;
  }
  start() {
    this.started = true;
  }
  close() {
    this.closed = true;
  }
  deliver(data: unknown) {
    for (const listener of this.messageListeners) listener({ data });
  }
  /** The renderer closed its end (Electron emits 'close' on main's). */
  closeFromRenderer() {
    for (const listener of this.closeListeners) listener();
    this.closed = true;
  }
  controls() {
    return this.sent.filter((m) => !(m instanceof Int16Array));
  }
  frames() {
    return this.sent.filter((m): m is Int16Array => m instanceof Int16Array);
  }
}

/** A call's audio as the SIP line would hand it out: `receive` plays the remote party, `sent` is what went to it. */
export class FakeCallAudio implements CallAudioPort {
  readonly sent: Int16Array[] = [];
  private listeners: ((frame: Int16Array) => void)[] = [];
  constructor(readonly sampleRate = 8000) {}
  onReceive(listener: (frame: Int16Array) => void) {
    this.listeners.push(listener);
    return () => void (this.listeners = this.listeners.filter((l) => l !== listener));
  }
  send(frame: Int16Array) {
    this.sent.push(frame);
  }
  receive(frame: Int16Array) {
    for (const listener of this.listeners) listener(frame);
  }
  get subscribers() {
    return this.listeners.length;
  }
}
