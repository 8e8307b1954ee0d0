import { useState } from 'react';
import type { CallSnapshot, InboundCommand } from '@callhook/core';
import { callDuration, callStateLabel, qualityFigures } from './call-format.js';
import { DtmfKeypad } from './dtmf-keypad.js';
import { PartyCell } from './party-cell.js';

export interface ActiveCallRowProps {
  call: CallSnapshot;
  now: number;
  onCommand(command: InboundCommand): void;
}

/** One active call with the buttons its state allows. */
export function ActiveCallRow({ call, now, onCommand }: ActiveCallRowProps) {
  const [target, setTarget] = useState('');
  const who = call.remoteAlias || call.remoteParty;
  const ref = { call: call.guid };
  const transferId = `transfer-${call.guid}`;
  return (
    <tr>
      <td data-label="Direction">{call.direction === 'inbound' ? 'Incoming' : 'Outgoing'}</td>
      <PartyCell call={call} />
      <td data-label="State">{callStateLabel(call)}</td>
      <td data-label="Duration">{callDuration(call, now)}</td>
      <QualityCell call={call} />
      <td data-label="Actions" className="actions">
        {call.state === 'ringing' && call.direction === 'inbound' && (
          <button type="button" className="primary" onClick={() => onCommand({ action: 'answer', ...ref })} aria-label={`Answer call from ${who}`}>
            Answer
          </button>
        )}
        {call.state === 'connected' && (
          <button type="button" onClick={() => onCommand({ action: 'hold', ...ref })} aria-label={`Hold call with ${who}`}>
            Hold
          </button>
        )}
        {call.state === 'held' && (
          <button type="button" onClick={() => onCommand({ action: 'unhold', ...ref })} aria-label={`Unhold call with ${who}`}>
            Unhold
          </button>
        )}
        <button type="button" className="danger" onClick={() => onCommand({ action: 'hangup', ...ref })} aria-label={`Hang up call with ${who}`}>
          {call.state === 'ringing' && call.direction === 'inbound' ? 'Reject' : 'Hang up'}
        </button>
        {call.state === 'connected' && <DtmfKeypad who={who} onDigit={(digits) => onCommand({ action: 'dtmf', digits, ...ref })} />}
        {(call.state === 'connected' || call.state === 'held') && (
          <span className="transfer">
            <label htmlFor={transferId} className="visually-hidden">
              Transfer {who} to
            </label>
            <input id={transferId} value={target} onChange={(e) => setTarget(e.target.value)} placeholder="number" size={10} />
            <button type="button" disabled={target.trim() === ''} onClick={() => onCommand({ action: 'transfer', target: target.trim(), ...ref })}>
              Transfer
            </button>
          </span>
        )}
      </td>
    </tr>
  );
}

/**
 * The live media quality of a call with real media (softphone lines): MOS, loss %, jitter and RTT,
 * replaced with each update the engine streams (`quality` events, ~5 s); `—` before the first one and
 * on lines without media.
 */
function QualityCell({ call }: { call: CallSnapshot }) {
  const figures = qualityFigures(call.quality);
  if (figures.length === 0) return <td data-label="Quality">—</td>;
  return (
    <td data-label="Quality" className="call-quality">
      {figures.map((figure, i) => (
        <span key={figure.label}>
          {i > 0 && ' · '}
          {figure.label} {figure.text}
        </span>
      ))}
    </td>
  );
}
