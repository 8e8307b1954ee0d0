import type { EngineEvent, InboundCommand } from '@callhook/core';
import type { NotificationFactory, NotificationPort } from './electron-ports.js';

export interface IncomingNotifierDeps {
  notify: NotificationFactory;
  execute(command: InboundCommand): Promise<unknown>;
  /** Clicking the notification itself shows the window on the Calls page. */
  showCalls(): void;
  onError(message: string): void;
}

const ANSWER = 0;
const REJECT = 1;

/**
 * One native notification per ringing incoming call, with Answer and Reject. It closes when the call
 * stops ringing (answered elsewhere, hung up by the caller).
 */
export function incomingNotifier(deps: IncomingNotifierDeps): (event: EngineEvent) => void {
  const open = new Map<string, NotificationPort>();
  const run = (command: InboundCommand) =>
    deps.execute(command).catch((error: unknown) => deps.onError(`${command.action} failed: ${(error as Error).message}`));

  return (event) => {
    if (event.type !== 'call') return;
    const { call } = event;
    const ringing = call.direction === 'inbound' && call.state === 'ringing';
    const shown = open.get(call.guid);
    if (!ringing) {
      if (shown) {
        open.delete(call.guid);
        shown.close();
      }
      return;
    }
    if (shown) return;
    const notification = deps.notify({
      title: 'Incoming call',
      body: call.remoteAlias || call.remoteParty,
      actions: [
        { type: 'button', text: 'Answer' },
        { type: 'button', text: 'Reject' },
      ],
      closeButtonText: 'Dismiss',
    });
    notification.on('action', (_event, index) => {
      if (index === ANSWER) void run({ action: 'answer', call: call.guid });
      if (index === REJECT) void run({ action: 'hangup', call: call.guid });
    });
    notification.on('click', () => deps.showCalls());
    notification.on('close', () => open.delete(call.guid));
    open.set(call.guid, notification);
    notification.show();
  };
}
