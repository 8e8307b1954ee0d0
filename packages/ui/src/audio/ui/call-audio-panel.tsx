import { useEffect, useId, useState } from 'react';
import type { CallSnapshot } from '@callhook/core';
import { canSelectOutput } from '../audio-graph.js';
import type { AudioSessionState } from '../audio-session.js';
import { listAudioDevices, type AudioDeviceLists } from '../devices.js';
import { meterValue } from '../level.js';
import { useAudioState, useDesktopAudio, type DesktopAudio } from './desktop-audio-context.js';

/** What the status line says for each state. */
function statusText(state: AudioSessionState, who: string): string {
  switch (state.status) {
    case 'live':
      return `Audio: ${who}${state.muted ? ' (muted)' : ''}`;
    case 'starting':
      return `Audio: opening the microphone for ${who}…`;
    case 'unavailable':
      return `${who}: ${state.detail}`;
    case 'failed':
      return `Audio could not start: ${state.detail}`;
    default:
      return 'Audio: no connected call';
  }
}

/**
 * The desktop's in-call audio controls under the active calls: which call has the audio, mute,
 * input and output level meters, and the microphone and speaker pickers. Renders nothing without
 * desktop audio (the web console).
 */
export function CallAudioPanel({ calls }: { calls: CallSnapshot[] }) {
  const audio = useDesktopAudio();
  return audio ? <AudioControls audio={audio} calls={calls} /> : null;
}

function AudioControls({ audio, calls }: { audio: DesktopAudio; calls: CallSnapshot[] }) {
  const state = useAudioState(audio.session);
  const [devices, setDevices] = useState<AudioDeviceLists>({ inputs: [], outputs: [] });
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const live = state.status === 'live';

  useEffect(() => {
    const media = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
    if (!media?.enumerateDevices) return;
    const load = () => void listAudioDevices(media).then(setDevices, () => undefined);
    load();
    media.addEventListener?.('devicechange', load);
    return () => media.removeEventListener?.('devicechange', load);
    // Labels appear once the microphone was allowed: list again when audio goes live.
  }, [live]);

  const call = calls.find((c) => c.guid === state.call);
  const who = call ? call.remoteAlias || call.remoteParty : 'the call';
  const choose = async (side: 'input' | 'output', deviceId: string | null) => {
    setError(null);
    try {
      if (side === 'input') await audio.session.setInputDevice(deviceId);
      else await audio.session.setOutputDevice(deviceId);
      if (side === 'output') await audio.ringer.setOutputDevice(deviceId);
      await audio.bridge.saveDevices({ ...audio.session.state().devices });
    } catch (e) {
      setError(`Could not switch the ${side === 'input' ? 'microphone' : 'speaker'}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  return (
    <section className="call-audio" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Call audio</h3>
      <p role="status" className={state.status === 'failed' || state.status === 'unavailable' ? 'bad' : 'muted'}>
        {statusText(state, who)}
      </p>
      <div className="call-audio-row">
        <button type="button" aria-pressed={state.muted} disabled={!live} onClick={() => audio.session.setMuted(!state.muted)}>
          {state.muted ? 'Unmute' : 'Mute'}
        </button>
        <label htmlFor={`${id}-in-level`}>Microphone level</label>
        <meter id={`${id}-in-level`} min={0} max={1} low={0.5} high={0.9} optimum={0.6} value={live ? meterValue(state.input.rms) : 0} />
        <label htmlFor={`${id}-out-level`}>Speaker level</label>
        <meter id={`${id}-out-level`} min={0} max={1} low={0.5} high={0.9} optimum={0.6} value={live ? meterValue(state.output.rms) : 0} />
      </div>
      <div className="call-audio-row">
        <label htmlFor={`${id}-input`}>Microphone</label>
        <select id={`${id}-input`} value={state.devices.input ?? ''} onChange={(e) => void choose('input', e.target.value || null)}>
          <option value="">System default</option>
          {devices.inputs.map((d) => (
            <option key={d.deviceId} value={d.deviceId}>
              {d.label}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-output`}>Speaker</label>
        {canSelectOutput() ? (
          <select id={`${id}-output`} value={state.devices.output ?? ''} onChange={(e) => void choose('output', e.target.value || null)}>
            <option value="">System default</option>
            {devices.outputs.map((d) => (
              <option key={d.deviceId} value={d.deviceId}>
                {d.label}
              </option>
            ))}
          </select>
        ) : (
          <output id={`${id}-output`}>System default (this runtime cannot choose)</output>
        )}
      </div>
      {error && (
        <p role="alert" className="bad">
          {error}
        </p>
      )}
    </section>
  );
}
