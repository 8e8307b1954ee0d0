import type { UserAgent } from 'sip.js';

/**
 * Makes the Contact of everything but REGISTER name the line's in-dialog socket (`line.dialogPort`,
 * docs/sip-in-node.md §9): sip.js writes one Contact (`userAgent.contact`) into REGISTER, INVITE, and the
 * 1xx/2xx answers to an INVITE. The remote target of a dialog is the Contact of the request or response
 * that set it up (RFC 3261 §12.1.1 UAS, §12.1.2 UAC), so a peer sends that dialog's requests — the ACK of
 * the 2xx, BYE, re-INVITE, INFO… — to `port`; a registrar sends new calls to the REGISTER's Contact
 * (§10.2.1), which stays the line's own port. `contact.uri` itself keeps the registered port, since sip.js
 * matches the Contacts of a REGISTER's 200 against it. sip.js builds the Contact text synchronously from
 * `contact.uri`, so the dialog URI is put there only for that call. Call once, after the Contact's URI is
 * final (host, port, scheme). A GRUU (RFC 5627) would still win over the dialog URI, as in sip.js.
 */
export function routeDialogsTo(userAgent: UserAgent, port: number): void {
  const contact = userAgent.contact;
  const format = contact.toString;
  const dialogUri = contact.uri.clone();
  dialogUri.port = port;
  contact.toString = (options = {}) => {
    if (options.register) return format(options);
    const registered = contact.uri;
    contact.uri = dialogUri;
    try {
      return format(options);
    } finally {
      contact.uri = registered;
    }
  };
}
