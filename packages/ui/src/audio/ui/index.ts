// The desktop audio's React pieces. The console (app, calls page) uses only the context and the
// panel; the provider, which starts the audio, is for the desktop renderer (`@callhook/ui/audio`).
export { DesktopAudioContext, RingWhile, useDesktopAudio, useAudioState, type DesktopAudio } from './desktop-audio-context.js';
export { DesktopAudioProvider } from './desktop-audio-provider.js';
export { CallAudioPanel } from './call-audio-panel.js';
