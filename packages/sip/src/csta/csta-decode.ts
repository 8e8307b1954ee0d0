import { editionOf, type CstaEdition } from './csta-namespaces.js';
import { CstaXmlError } from './csta-xml-error.js';
import { eventTypeOf, readConnection, readEvent } from './csta-events.js';
import type { CstaMessage, CstaNegativeResponse, CstaPositiveResponse, CstaResults, CstaService, SnapshotCall } from './csta-types.js';
import { XmlElement } from './xml-element.js';

type Reader<S extends CstaService> = (root: XmlElement) => CstaResults[S];
type Readers = { [S in CstaService]: Reader<S> };

const empty = (): Record<string, never> => ({});

function readBoolean(element: XmlElement | undefined): boolean | undefined {
  if (!element) return undefined;
  const text = element.text();
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw new CstaXmlError('bad_value', element.path, `"${text}" is not a boolean`);
}

/**
 * SnapshotDevice answers (ECMA-323): `crossRefIDorSnapshotData/snapshotData/snapshotDeviceResponseInfo*`,
 * each with `connectionIdentifier` and `localCallState` (`compoundCallState/localConnectionState`, or
 * `simpleCallState`). Snom's sample nests `snapshotDeviceResponseInfo` the same way; one without the
 * `crossRefIDorSnapshotData` wrapper is read as well.
 */
function readSnapshot(root: XmlElement): CstaResults['SnapshotDevice'] {
  const wrapper = root.optionalChild('crossRefIDorSnapshotData');
  const data = wrapper ? (wrapper.optionalChild('snapshotData') ?? wrapper) : root;
  if (wrapper?.optionalChild('snapshotCrossRefID'))
    throw new CstaXmlError('bad_value', `${wrapper.path}/snapshotCrossRefID`, 'snapshots by cross reference are not read');
  const calls: SnapshotCall[] = data.children('snapshotDeviceResponseInfo').map((info) => {
    const state = info.optionalChild('localCallState');
    const compound = state?.optionalChild('compoundCallState');
    const localConnectionState = compound ? compound.optionalText('localConnectionState') : state?.optionalText('simpleCallState');
    return { connection: readConnection(info.child('connectionIdentifier')), localConnectionState };
  });
  return { calls };
}

const READERS: Readers = {
  RequestSystemStatus: (root) => ({ systemStatus: root.requiredText('systemStatus') }),
  MonitorStart: (root) => ({
    monitorCrossRefId: root.requiredText('monitorCrossRefID'),
    monitorExistingCalls: readBoolean(root.optionalChild('monitorExistingCalls')),
  }),
  MonitorStop: empty,
  SnapshotDevice: readSnapshot,
  MakeCall: (root) => ({ callingDevice: readConnection(root.child('callingDevice')) }),
  AnswerCall: empty,
  ClearConnection: empty,
  HoldCall: empty,
  RetrieveCall: empty,
  SingleStepTransferCall: (root) => {
    const transferred = root.optionalChild('transferredCall');
    return { transferredCall: transferred ? readConnection(transferred) : undefined };
  },
  GenerateDigits: empty,
};

function serviceOfResponse(root: string): CstaService | undefined {
  if (!root.endsWith('Response')) return undefined;
  const service = root.slice(0, -'Response'.length);
  return Object.hasOwn(READERS, service) ? (service as CstaService) : undefined;
}

function readError(root: XmlElement, edition: CstaEdition): CstaNegativeResponse {
  const [category, ...others] = root.childNames();
  if (!category) throw new CstaXmlError('missing_element', `${root.path}/*`, 'a CSTAErrorCode needs an error category element');
  if (others.length > 0) throw new CstaXmlError('bad_value', root.path, 'a CSTAErrorCode carries exactly one error category');
  const value = root.requiredText(category);
  return { kind: 'error', edition, category, value };
}

/**
 * Reads a CSTA body a phone sent: a positive response (`MakeCallResponse`, …), a negative one
 * (`CSTAErrorCode`) or an event (`DeliveredEvent`, …), in any of the ECMA-323 ed3/ed4/ed5
 * namespaces. Never throws anything but CstaXmlError, whose `element` names the part at fault.
 */
export function decodeCstaMessage(xml: string): CstaMessage {
  const root = XmlElement.parse(xml);
  const edition = editionOf(root.namespace);
  if (!edition) throw new CstaXmlError('unknown_namespace', root.name, `namespace "${root.namespace ?? ''}" is not ECMA-323 ed3, ed4 or ed5`);
  if (root.name === 'CSTAErrorCode') return readError(root, edition);
  const service = serviceOfResponse(root.name);
  if (service) return { kind: 'response', service, edition, result: READERS[service](root) } as CstaPositiveResponse;
  const eventType = eventTypeOf(root.name);
  if (eventType) return readEvent(root, eventType, edition);
  throw new CstaXmlError('unknown_message', root.name, 'is not a CSTA response or event callhook reads');
}
