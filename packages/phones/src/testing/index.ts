/**
 * `@callhook/phones/testing`: fake Snom, Yealink and Grandstream phones on loopback (their remote-control
 * URLs behind Basic or Digest auth, their Action URLs fired at the line), for tests of the desk-phone
 * line here and of the console elsewhere. Test helpers only: nothing in the line imports them.
 */
export { FakePhone, type DialScript, type EventFaults, type FakeCall, type FakePhoneOptions, type Logged } from './fake-phone.js';
export { FakeSnom } from './fake-snom.js';
export { FakeYealink } from './fake-yealink.js';
export { FakeGrandstream } from './fake-grandstream.js';
