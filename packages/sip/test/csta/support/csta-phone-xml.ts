import { XMLParser } from 'fast-xml-parser';
import { CSTA_NAMESPACES, type CstaEdition } from '../../../src/index.js';

// The XML a uaCSTA phone sends, written from the documented shapes (Snom wiki "uaCSTA over SIP -
// Requests and Events", ECMA-323 element names), independent of the codec under test.

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const DECLARATION = '<?xml version="1.0" encoding="utf-8"?>';

/** `<Root xmlns="…">inner</Root>` in the namespace of `edition`. */
export function cstaXml(root: string, edition: CstaEdition, inner = ''): string {
  return `${DECLARATION}<${root} xmlns="${CSTA_NAMESPACES[edition]}">${inner}</${root}>`;
}

/** `<name><callID>…</callID><deviceID>…</deviceID></name>`. */
export function connectionXml(name: string, callId: string, deviceId: string): string {
  return `<${name}><callID>${escape(callId)}</callID><deviceID>${escape(deviceId)}</deviceID></${name}>`;
}

/** `<name><deviceIdentifier>…</deviceIdentifier></name>`, or `<name><notKnown/></name>`. */
export function deviceXml(name: string, device: string | undefined): string {
  return device === undefined ? `<${name}><notKnown/></${name}>` : `<${name}><deviceIdentifier>${escape(device)}</deviceIdentifier></${name}>`;
}

/** A negative response (ECMA-323 CSTAErrorCode). */
export function errorXml(edition: CstaEdition, category: string, value: string): string {
  return cstaXml('CSTAErrorCode', edition, `<${category}>${value}</${category}>`);
}

/** What an event carries; the element names per type follow ECMA-323. */
export interface PhoneEvent {
  type: 'Delivered' | 'Established' | 'Held' | 'Retrieved' | 'ConnectionCleared' | 'Originated' | 'Failed';
  callId: string;
  device: string;
  subject?: string;
  calling?: string;
  called?: string;
  state: string;
  cause: string;
}

const SHAPES: Record<PhoneEvent['type'], [connection: string, subject: string]> = {
  Delivered: ['connection', 'alertingDevice'],
  Established: ['establishedConnection', 'answeringDevice'],
  Held: ['heldConnection', 'holdingDevice'],
  Retrieved: ['retrievedConnection', 'retrievingDevice'],
  ConnectionCleared: ['droppedConnection', 'releasingDevice'],
  Originated: ['originatedConnection', 'callingDevice'],
  Failed: ['failedConnection', 'failingDevice'],
};

/** The XML of a call event (e.g. the Delivered sample of the research, in any edition). */
export function eventXml(event: PhoneEvent, crossRefId: string, edition: CstaEdition): string {
  const [connection, subject] = SHAPES[event.type];
  const parts = [
    `<monitorCrossRefID>${crossRefId}</monitorCrossRefID>`,
    connectionXml(connection, event.callId, event.device),
    deviceXml(subject, event.subject),
    event.type !== 'Originated' && event.calling !== undefined ? deviceXml('callingDevice', event.calling) : '',
    event.called !== undefined ? deviceXml('calledDevice', event.called) : '',
    `<localConnectionInfo>${event.state}</localConnectionInfo>`,
    `<cause>${event.cause}</cause>`,
  ];
  return cstaXml(`${event.type}Event`, edition, parts.join(''));
}

/** A request as the phone reads it: root name, namespace and fields (prefixes dropped). */
export interface PhoneRequest {
  service: string;
  namespace: string | undefined;
  fields: Record<string, unknown>;
}

const reader = new XMLParser({ removeNSPrefix: true, ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, ignoreDeclaration: true });

/** Reads a request body; undefined when it is not XML with one root. */
export function readRequest(xml: string): PhoneRequest | undefined {
  try {
    const document = reader.parse(xml) as Record<string, unknown>;
    const [root] = Object.keys(document);
    if (!root) return undefined;
    const raw = document[root];
    const fields = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
    // fast-xml-parser drops xmlns with removeNSPrefix; read it from the text instead (test code).
    const namespace = /xmlns(?::\w+)?="([^"]+)"/.exec(xml)?.[1];
    return { service: root, namespace, fields };
  } catch {
    return undefined;
  }
}

/** A text field at a path of nested elements (`['callToBeAnswered', 'callID']`). */
export function field(request: PhoneRequest, path: string[]): string | undefined {
  let node: unknown = request.fields;
  for (const name of path) node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[name] : undefined;
  return typeof node === 'string' ? node : undefined;
}
