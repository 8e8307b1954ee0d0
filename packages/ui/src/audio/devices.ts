/** An audio device as the pickers list it. */
export interface AudioDeviceOption {
  deviceId: string;
  /** The browser's label; empty until the page was allowed the microphone, then "Microphone 2" etc. stands in. */
  label: string;
}

export interface AudioDeviceLists {
  inputs: AudioDeviceOption[];
  outputs: AudioDeviceOption[];
}

/**
 * The microphones and speakers (`enumerateDevices`), without the browser's "default" and
 * "communications" aliases (null stands for the system default in the pickers).
 */
export async function listAudioDevices(mediaDevices: Pick<MediaDevices, 'enumerateDevices'>): Promise<AudioDeviceLists> {
  const all = await mediaDevices.enumerateDevices();
  const pick = (kind: MediaDeviceKind, fallback: string) =>
    all
      .filter((d) => d.kind === kind && d.deviceId !== '' && d.deviceId !== 'default' && d.deviceId !== 'communications')
      .map((d, i) => ({ deviceId: d.deviceId, label: d.label || `${fallback} ${i + 1}` }));
  return { inputs: pick('audioinput', 'Microphone'), outputs: pick('audiooutput', 'Speaker') };
}
