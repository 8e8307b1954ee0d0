import type { Logger } from '@callhook/core';
import type { LogConnector } from 'sip.js';

/** Routes sip.js's own log lines into the line's Logger; sip.js chatter is debug, its errors warn. */
export function sipjsLogConnector(logger: Logger): LogConnector {
  return (level, category, _label, content) => {
    logger.log(level === 'error' || level === 'warn' ? 'warn' : 'debug', content, { category });
  };
}
