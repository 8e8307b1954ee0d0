import type { InstanceAppPort, IpcInvokeEvent, IpcMainPort, NotificationOptions, NotificationPort } from '../../src/main/electron-ports.js';

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
