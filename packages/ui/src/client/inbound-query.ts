import type { InboundCommand } from '@callhook/core';

/** The inbound Action URL path and query for a command: `/?action=answer&call=…`. */
export function inboundQuery(command: InboundCommand, token: string | null = null): string {
  const params = new URLSearchParams({ action: command.action });
  switch (command.action) {
    case 'make_call':
      params.set('target', command.target);
      if (command.force) params.set('force', '1');
      break;
    case 'transfer':
      params.set('target', command.target);
      break;
    case 'dtmf':
      params.set('digits', command.digits);
      break;
    default:
      break;
  }
  if ('call' in command && command.call !== null) params.set('call', command.call);
  if (token) params.set('token', token);
  return `/?${params.toString()}`;
}
