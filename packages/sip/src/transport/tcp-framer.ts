import { SipError } from '../errors.js';
import { MAX_SIP_MESSAGE_BYTES } from '../message/limits.js';

const HEAD_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /^(?:content-length|l)[ \t]*:[ \t]*(\d{1,9})[ \t]*$/im;

/**
 * Splits a SIP stream into messages by Content-Length (RFC 3261 §18.3). Leading CRLFs are
 * keep-alives and skipped. Throws SipError when the stream cannot be framed; the caller then
 * closes the connection, since nothing after a framing error can be trusted.
 */
export class TcpFramer {
  private buffer: Buffer = Buffer.alloc(0);
  /** CRLF keep-alives seen between messages (RFC 5626 §4.4.1 pings or pongs). */
  keepAlives = 0;

  push(chunk: Buffer): string[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const messages: string[] = [];
    for (;;) {
      this.skipKeepAlives();
      const headEnd = this.buffer.indexOf(HEAD_END);
      if (headEnd === -1) {
        if (this.buffer.length > MAX_SIP_MESSAGE_BYTES) throw new SipError('oversize_message', 'header section over 64 KiB');
        return messages;
      }
      const head = this.buffer.subarray(0, headEnd).toString('latin1');
      const length = Number(CONTENT_LENGTH.exec(head)?.[1] ?? 0);
      const total = headEnd + HEAD_END.length + length;
      if (total > MAX_SIP_MESSAGE_BYTES) throw new SipError('oversize_message', `message of ${total} bytes over 64 KiB`);
      if (this.buffer.length < total) return messages;
      messages.push(this.buffer.subarray(0, total).toString('utf8'));
      this.buffer = this.buffer.subarray(total);
    }
  }

  /** Bytes waiting for the rest of a message. */
  get pending(): number {
    return this.buffer.length;
  }

  private skipKeepAlives(): void {
    let start = 0;
    while (start < this.buffer.length && (this.buffer[start] === 0x0d || this.buffer[start] === 0x0a)) start++;
    if (start > 0) {
      this.keepAlives++;
      this.buffer = this.buffer.subarray(start);
    }
  }
}
