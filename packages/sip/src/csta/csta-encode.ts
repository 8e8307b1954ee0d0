import { XMLBuilder } from 'fast-xml-parser';
import { CSTA_NAMESPACES, type CstaEdition } from './csta-namespaces.js';
import { CstaXmlError } from './csta-xml-error.js';
import type { ConnectionId, CstaRequest } from './csta-types.js';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: true });
const MAX_FIELD_LENGTH = 256;
/** ECMA-269 Generate Digits: DTMF characters (a comma is a pause on some phones, so it is not sent). */
const DTMF = new Set('0123456789*#ABCDabcd');

type Fields = Record<string, unknown>;

/** A field value that can be written: non-empty, bounded, printable. */
function field(value: string, path: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new CstaXmlError('bad_value', path, 'must be a non-empty string');
  if (value.length > MAX_FIELD_LENGTH) throw new CstaXmlError('bad_value', path, `longer than ${MAX_FIELD_LENGTH} characters`);
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) throw new CstaXmlError('bad_value', path, 'contains a control character');
  }
  return value;
}

function connection(id: ConnectionId, path: string): Fields {
  return { callID: field(id.callId, `${path}/callID`), deviceID: field(id.deviceId, `${path}/deviceID`) };
}

function digits(value: string, path: string): string {
  field(value, path);
  for (const character of value) if (!DTMF.has(character)) throw new CstaXmlError('bad_value', path, `"${character}" is not a DTMF character (0-9 * # A-D)`);
  return value;
}

/** The root element name and content of a request (ECMA-323 element names). */
function content(request: CstaRequest): [string, Fields] {
  const root = request.service;
  switch (request.service) {
    case 'RequestSystemStatus':
      return [root, {}];
    case 'MonitorStart':
      return [root, { monitorObject: { deviceObject: field(request.device, `${root}/monitorObject/deviceObject`) } }];
    case 'MonitorStop':
      return [root, { monitorCrossRefID: field(request.monitorCrossRefId, `${root}/monitorCrossRefID`) }];
    case 'SnapshotDevice':
      return [root, { snapshotObject: field(request.device, `${root}/snapshotObject`) }];
    case 'MakeCall': {
      const autoOriginate = request.autoOriginate ?? 'doNotPrompt';
      if (autoOriginate !== 'prompt' && autoOriginate !== 'doNotPrompt')
        throw new CstaXmlError('bad_value', `${root}/autoOriginate`, 'must be prompt or doNotPrompt');
      return [
        root,
        {
          callingDevice: field(request.callingDevice, `${root}/callingDevice`),
          calledDirectoryNumber: field(request.calledDirectoryNumber, `${root}/calledDirectoryNumber`),
          autoOriginate,
        },
      ];
    }
    case 'AnswerCall':
      return [root, { callToBeAnswered: connection(request.callToBeAnswered, `${root}/callToBeAnswered`) }];
    case 'ClearConnection':
      return [root, { connectionToBeCleared: connection(request.connectionToBeCleared, `${root}/connectionToBeCleared`) }];
    case 'HoldCall':
      return [root, { callToBeHeld: connection(request.callToBeHeld, `${root}/callToBeHeld`) }];
    case 'RetrieveCall':
      return [root, { callToBeRetrieved: connection(request.callToBeRetrieved, `${root}/callToBeRetrieved`) }];
    case 'SingleStepTransferCall':
      return [root, { activeCall: connection(request.activeCall, `${root}/activeCall`), transferredTo: field(request.transferredTo, `${root}/transferredTo`) }];
    case 'GenerateDigits':
      return [
        root,
        {
          connectionToSendDigits: connection(request.connectionToSendDigits, `${root}/connectionToSendDigits`),
          charactersToSend: digits(request.charactersToSend, `${root}/charactersToSend`),
        },
      ];
    default:
      throw new CstaXmlError('unknown_message', String((request as { service?: unknown }).service), 'is not a request callhook sends');
  }
}

/**
 * The ECMA-323 XML of `request` in the namespace of `edition` (the edition the phone answers in;
 * Snom: ed5). Field values are checked (non-empty, at most 256 characters, printable; digits only
 * 0-9 * # A-D) and escaped by the XML builder; a bad value throws CstaXmlError naming the element.
 */
export function encodeCstaRequest(request: CstaRequest, edition: CstaEdition): string {
  const namespace = CSTA_NAMESPACES[edition];
  if (!namespace) throw new CstaXmlError('bad_value', '(edition)', `unknown ECMA-323 edition ${String(edition)}`);
  const [root, fields] = content(request);
  const xml = builder.build({ [root]: { '@_xmlns': namespace, ...fields } }) as string;
  return `<?xml version="1.0" encoding="UTF-8"?>${xml}`;
}
