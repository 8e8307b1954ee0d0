import type { Logger } from '@callhook/core';
import type { Core } from 'sip.js';
import { decodeCstaMessage } from './csta-decode.js';
import { CSTA_CONTENT_TYPE } from './csta-dialog.js';
import type { CstaMessage } from './csta-types.js';
import { CstaXmlError } from './csta-xml-error.js';

/**
 * Answers an INFO the phone sent in the CSTA dialog (ECMA TR/87 §7.3) and returns what it carried:
 * a readable CSTA message is answered 200 and returned; a CSTA message callhook does not read is
 * answered 200 and dropped (debug log); a body that is not CSTA XML is answered 415, an unreadable or
 * invalid one 400 (warn log naming the element). Never throws.
 */
export function answerPhoneInfo(request: Core.IncomingInfoRequest, logger: Logger): CstaMessage | undefined {
  try {
    const message = request.message;
    const contentType = message.getHeader('Content-Type')?.split(';')[0]?.trim().toLowerCase();
    if (contentType !== CSTA_CONTENT_TYPE) {
      logger.log('warn', 'refused an INFO that is not CSTA (415)', { contentType: contentType ?? '(none)' });
      request.reject({ statusCode: 415, extraHeaders: [`Accept: ${CSTA_CONTENT_TYPE}`] });
      return undefined;
    }
    let decoded: CstaMessage;
    try {
      decoded = decodeCstaMessage(message.body);
    } catch (error) {
      if (error instanceof CstaXmlError && error.code === 'unknown_message') {
        logger.log('debug', 'ignored a CSTA message callhook does not read', { element: error.element });
        request.accept();
        return undefined;
      }
      logger.log('warn', 'refused an unreadable CSTA body (400)', {
        error: (error as Error).message,
        element: error instanceof CstaXmlError ? error.element : undefined,
      });
      request.reject({ statusCode: 400, reasonPhrase: 'Bad CSTA Body' });
      return undefined;
    }
    request.accept();
    return decoded;
  } catch (error) {
    logger.log('warn', 'failed to answer an INFO from the phone', { error: (error as Error).message });
    return undefined;
  }
}
