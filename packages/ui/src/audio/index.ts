// Desktop call audio in the page, without React: `@callhook/ui/audio`.
export * from './audio-wire.js';
export { createAudioSession, type AudioSession, type AudioSessionOptions, type AudioSessionState, type AudioStatus, type AudioWire } from './audio-session.js';
export { startAudioGraph, canSelectOutput, type AudioGraph, type AudioGraphOptions } from './audio-graph.js';
export { Ringer, ringCycle, RING_TONE } from './ring-tone.js';
export { listAudioDevices, type AudioDeviceLists, type AudioDeviceOption } from './devices.js';
export { openDesktopAudioPort, waitForAudioPort, type DesktopAudioBridge } from './desktop-audio-bridge.js';
export { defaultWorkletUrl } from './worklet-url.js';
export { meterValue, measureLevel, METER_FLOOR_DB, type Level } from './level.js';
export { Resampler } from './resampler.js';
export { Int16Framer, floatToInt16, int16ToFloat } from './framer.js';
export { PlayoutBuffer } from './playout-buffer.js';
