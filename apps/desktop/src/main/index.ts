import { IPC_CHANNELS } from '@callhook/ui/bridge';
import { streamLogger, writeFileAtomic } from '@callhook/server';
import { app, BrowserWindow, ipcMain, Menu, MessageChannelMain, nativeImage, Notification, session, shell, Tray } from 'electron';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { registerAudioIpc } from './audio-ipc.js';
import { createAudioRouter } from './audio-router.js';
import { DIAL_SCHEMES } from './dial-link.js';
import { applyStartAtLogin, parsePrefs, type DesktopPrefs } from './desktop-prefs.js';
import { startEngineHost, type EngineHost } from './engine-host.js';
import { incomingNotifier } from './incoming-notifier.js';
import { registerIpcHandlers, trustedSender } from './ipc-handlers.js';
import { linkDialer } from './link-dialer.js';
import { mediaPermission } from './media-permission.js';
import { guardedBrowser } from './open-external.js';
import { claimSingleInstance } from './single-instance.js';
import { TRAY_ICONS } from './tray-icons.js';
import { trayLinesPresentation, trayMenuTemplate, type TrayLine, type TrayMenuActions } from './tray-status.js';
import { routeNavigation } from './window-guard.js';

const here = dirname(fileURLToPath(import.meta.url));
const rendererUrl = process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(join(here, '../renderer/index.html')).href;
const logger = streamLogger({ level: 'info' });
const browser = guardedBrowser(shell);
let host: EngineHost | null = null;
let mainWindow: BrowserWindow | null = null;
/** Held here for the app's lifetime: a Tray that is garbage-collected disappears. */
let tray: ReturnType<typeof buildTray> | null = null;

const report = (message: string) => {
  logger.log('warn', message);
  if (Notification.isSupported()) new Notification({ title: 'callhook', body: message }).show();
};
const dialer = linkDialer({ execute: (command) => host!.backend.execute(command), report });

function showWindow(page?: string): void {
  if (!mainWindow) mainWindow = createWindow();
  if (page) void mainWindow.webContents.executeJavaScript(`location.hash = ${JSON.stringify(page)}`);
  mainWindow.show();
  mainWindow.focus();
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1200,
    height: 860,
    title: 'callhook',
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      // Call audio starts when a call connects, which is often not a click in this window.
      autoplayPolicy: 'no-user-gesture-required',
    },
  });
  const ownPrefix = rendererUrl.replace(/[#?].*$/, '').replace(/[^/]*$/, '');
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (routeNavigation(url, ownPrefix) === 'external') void browser.open(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    const route = routeNavigation(url, ownPrefix);
    if (route === 'stay') return;
    event.preventDefault();
    if (route === 'external') void browser.open(url);
  });
  win.on('closed', () => (mainWindow = null));
  void win.loadURL(rendererUrl);
  return win;
}

function prefsFile(): string {
  return join(app.getPath('userData'), 'desktop.json');
}

function savePrefs(prefs: DesktopPrefs): void {
  writeFileAtomic(prefsFile(), `${JSON.stringify(prefs, null, 2)}\n`);
}

function readPrefs(): DesktopPrefs {
  try {
    return parsePrefs(readFileSync(prefsFile(), 'utf8'));
  } catch {
    return parsePrefs(null);
  }
}

/** The tray icon; `showLines` redraws its icon, tooltip and menu (one entry per line, with its status). */
function buildTray(prefs: DesktopPrefs): { tray: Tray; showLines(lines: readonly TrayLine[]): void } {
  const icon = new Tray(nativeImage.createFromDataURL(TRAY_ICONS.busy));
  const actions: TrayMenuActions = {
    openConsole: () => showWindow(),
    openPage: (page) => showWindow(page),
    get startAtLogin() {
      return prefs.startAtLogin;
    },
    setStartAtLogin(on) {
      prefs.startAtLogin = on;
      savePrefs(prefs);
      applyStartAtLogin(app, prefs);
    },
    quit: () => app.quit(),
  };
  const showLines = (lines: readonly TrayLine[]) => {
    const view = trayLinesPresentation(lines);
    icon.setToolTip(view.tooltip);
    icon.setImage(nativeImage.createFromDataURL(TRAY_ICONS[view.icon]));
    icon.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(view, actions)));
  };
  icon.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate({ icon: 'busy', items: [] }, actions)));
  icon.on('click', () => showWindow());
  return { tray: icon, showLines };
}

async function boot(): Promise<void> {
  for (const scheme of DIAL_SCHEMES) app.setAsDefaultProtocolClient(scheme);
  const prefs = readPrefs();
  applyStartAtLogin(app, prefs);
  tray = buildTray(prefs);
  host = await startEngineHost({ userDataDir: app.getPath('userData'), browser, logger });

  const rendererOrigin = rendererUrl.startsWith('file:') ? 'file://' : new URL(rendererUrl).origin;
  registerIpcHandlers(ipcMain, host.backend, trustedSender([rendererOrigin]));
  // The microphone, for the console's own page only.
  session.defaultSession.setPermissionRequestHandler(mediaPermission([rendererOrigin]));
  const engineHost = host;
  const audio = createAudioRouter({ audioOf: (guid) => engineHost.callAudio(guid), activeCalls: () => engineHost.server.engine.activeCalls(), logger });
  registerAudioIpc(
    ipcMain,
    {
      createChannel: () => new MessageChannelMain(),
      connect: (port) => audio.connect(port),
      getDevices: () => prefs.audio,
      saveDevices: (devices) => {
        prefs.audio = devices;
        savePrefs(prefs);
        return devices;
      },
    },
    trustedSender([rendererOrigin]),
  );
  const notify = incomingNotifier({
    notify: (options) => new Notification(options),
    execute: (command) => host!.backend.execute(command),
    showCalls: () => showWindow('#calls'),
    onError: report,
  });
  // Every line's status, with the fix when one fails (a desk phone's wrong password, unreachable phone).
  const backend = host.backend;
  const showLines = () => tray?.showLines(backend.getLines());
  showLines();
  host.onEvent((event) => {
    audio.onEvent(event);
    if (event.type === 'line') showLines();
    notify(event);
    for (const win of BrowserWindow.getAllWindows()) win.webContents.send(IPC_CHANNELS.engineEvent, event);
  });
  dialer.ready();
  showWindow();
}

if (claimSingleInstance(app, process.argv, { onLink: (link) => dialer.onLink(link), onSecondLaunch: () => app.isReady() && showWindow() })) {
  // The tray keeps the phone running with every window closed.
  app.on('window-all-closed', () => undefined);
  // Quit waits for the host to drain deliveries and close the journal (its worker writes the last
  // lines), then quits for real.
  let stopped = false;
  app.on('before-quit', (event) => {
    if (stopped || !host) return;
    event.preventDefault();
    stopped = true;
    void host.stop().finally(() => app.quit());
  });
  app.whenReady().then(boot, (error: unknown) => {
    logger.log('error', `callhook failed to start: ${String(error)}`);
    app.exit(1);
  });
}
