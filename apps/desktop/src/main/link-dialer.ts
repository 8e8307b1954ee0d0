import type { InboundCommand } from '@callhook/core';
import { dialTargetFromLink } from './dial-link.js';

export interface LinkDialerDeps {
  execute(command: InboundCommand): Promise<unknown>;
  report(message: string): void;
}

/**
 * Dials `tel:`/`sip:`/`callto:` links. Links that arrive before the engine is up (the launch that
 * carried the link) wait in a short queue and are dialled once `ready()` is called.
 */
export function linkDialer(deps: LinkDialerDeps) {
  const waiting: string[] = [];
  let ready = false;
  const dial = (link: string) => {
    const target = dialTargetFromLink(link);
    if (target === null) {
      deps.report(`cannot dial ${link.slice(0, 80)}: not a phone number or SIP address`);
      return;
    }
    void deps
      .execute({ action: 'make_call', target, force: false })
      .catch((error: unknown) => deps.report(`dialling ${target} failed: ${(error as Error).message}`));
  };
  return {
    onLink(link: string) {
      if (ready) dial(link);
      else if (waiting.length < 4) waiting.push(link);
    },
    ready() {
      ready = true;
      for (const link of waiting.splice(0)) dial(link);
    },
  };
}
