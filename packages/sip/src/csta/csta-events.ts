import type { CstaEdition } from './csta-namespaces.js';
import { CstaXmlError } from './csta-xml-error.js';
import type { ConnectionId, CstaEvent, CstaEventType } from './csta-types.js';
import type { XmlElement } from './xml-element.js';

/** Per event: the element naming its connection and the one naming its own device (ECMA-323). */
const EVENT_SHAPES: Readonly<Record<CstaEventType, { connection: string; subject: string }>> = {
  Delivered: { connection: 'connection', subject: 'alertingDevice' },
  Established: { connection: 'establishedConnection', subject: 'answeringDevice' },
  Held: { connection: 'heldConnection', subject: 'holdingDevice' },
  Retrieved: { connection: 'retrievedConnection', subject: 'retrievingDevice' },
  ConnectionCleared: { connection: 'droppedConnection', subject: 'releasingDevice' },
  Originated: { connection: 'originatedConnection', subject: 'callingDevice' },
  Failed: { connection: 'failedConnection', subject: 'failingDevice' },
  ServiceInitiated: { connection: 'initiatedConnection', subject: 'initiatingDevice' },
};

/** ECMA-269 local connection states (ECMA-323 `LocalConnectionState`). */
const LOCAL_CONNECTION_STATES = new Set(['null', 'initiated', 'alerting', 'connected', 'hold', 'queued', 'fail']);

/** An ECMA-269 event cause is an identifier (`newCall`, `normalClearing`, `busy`, …). */
function isIdentifier(text: string): boolean {
  if (text.length === 0 || text.length > 64) return false;
  for (const character of text) {
    const code = character.charCodeAt(0);
    const letter = (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
    if (!letter && !(code >= 0x30 && code <= 0x39)) return false;
  }
  return true;
}

/** The CSTA event type of a root element name (`DeliveredEvent` → `Delivered`), if callhook reads it. */
export function eventTypeOf(root: string): CstaEventType | undefined {
  if (!root.endsWith('Event')) return undefined;
  const type = root.slice(0, -'Event'.length);
  return Object.hasOwn(EVENT_SHAPES, type) ? (type as CstaEventType) : undefined;
}

/** A connection element (ECMA-323 `ConnectionID`): mandatory, non-empty `callID` and `deviceID`. */
export function readConnection(element: XmlElement): ConnectionId {
  return { callId: element.requiredText('callID'), deviceId: element.requiredText('deviceID') };
}

/**
 * A device element of an event (ECMA-323 `…Device`): `<deviceIdentifier>` text, or one of
 * `notKnown`, `restricted`, `notRequired`, `notSpecified` (undefined). Bare text is read too.
 */
export function readDevice(element: XmlElement | undefined): string | undefined {
  if (!element) return undefined;
  if (!element.hasChildren) return element.text() || undefined;
  const identifier = element.optionalChild('deviceIdentifier');
  if (identifier) return identifier.text() || undefined;
  for (const name of ['notKnown', 'restricted', 'notRequired', 'notSpecified']) if (element.optionalChild(name)) return undefined;
  throw new CstaXmlError('bad_value', element.path, 'expected deviceIdentifier, notKnown, restricted, notRequired or notSpecified');
}

/** Reads an event element whose type is `type`. Throws CstaXmlError naming the element at fault. */
export function readEvent(root: XmlElement, type: CstaEventType, edition: CstaEdition): CstaEvent {
  const shape = EVENT_SHAPES[type];
  const localConnectionInfo = root.optionalText('localConnectionInfo');
  if (localConnectionInfo !== undefined && !LOCAL_CONNECTION_STATES.has(localConnectionInfo))
    throw new CstaXmlError('bad_value', `${root.path}/localConnectionInfo`, `"${localConnectionInfo}" is not an ECMA-269 connection state`);
  const cause = root.optionalText('cause');
  if (cause !== undefined && !isIdentifier(cause)) throw new CstaXmlError('bad_value', `${root.path}/cause`, `"${cause}" is not an ECMA-269 event cause`);
  const monitorCrossRefId = root.optionalText('monitorCrossRefID');
  if (monitorCrossRefId === '') throw new CstaXmlError('bad_value', `${root.path}/monitorCrossRefID`, 'is empty');
  return {
    kind: 'event',
    type,
    edition,
    monitorCrossRefId,
    connection: readConnection(root.child(shape.connection)),
    subjectDevice: readDevice(root.optionalChild(shape.subject)),
    callingDevice: readDevice(root.optionalChild('callingDevice')),
    calledDevice: readDevice(root.optionalChild('calledDevice')),
    localConnectionInfo,
    cause,
  };
}
