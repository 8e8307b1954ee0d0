/**
 * The few Electron APIs main uses, as small interfaces: the modules here take these, so they are
 * tested with fakes (the Electron binary cannot run on the build machines) and `index.ts` passes
 * Electron's real objects.
 */
export interface ShellPort {
  openExternal(url: string): Promise<void>;
}

export interface NotificationPort {
  show(): void;
  close(): void;
  on(event: 'action', listener: (event: unknown, index: number) => void): unknown;
  on(event: 'click' | 'close', listener: () => void): unknown;
}

export interface NotificationOptions {
  title: string;
  body: string;
  actions: { type: 'button'; text: string }[];
  closeButtonText?: string;
}

export type NotificationFactory = (options: NotificationOptions) => NotificationPort;

export interface IpcInvokeEvent {
  senderFrame?: { url: string } | null;
  /** The renderer that asked (Electron's `WebContents`): audio ports are posted to it. */
  sender?: { postMessage(channel: string, message: unknown, transfer?: never[]): void };
}

export interface IpcMainPort {
  handle(channel: string, listener: (event: IpcInvokeEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface InstanceAppPort {
  requestSingleInstanceLock(): boolean;
  on(event: 'second-instance', listener: (event: unknown, argv: string[]) => void): unknown;
  on(event: 'open-url', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
  quit(): void;
}

export interface LoginItemPort {
  getLoginItemSettings(): { openAtLogin: boolean };
  setLoginItemSettings(settings: { openAtLogin: boolean }): void;
}

export interface TrayPort {
  setToolTip(text: string): void;
}

/**
 * Main's end of a renderer's audio port: the part of Electron's `MessagePortMain` the audio link
 * uses. Messages are structured clones (`event.data`); nothing is transferred.
 */
export interface AudioPortMain {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  removeListener(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  start(): void;
  close(): void;
}
