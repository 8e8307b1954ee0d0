import { describe, expect, it } from 'vitest';
import { CallhookError, decodeComponent, parseInboundRequest, readInboundRequest, Refusal, type InboundCommand } from '../../src/index.js';

const GUID = '0190f5c2-7b1a-7c3d-8e4f-0123456789ab';

describe('inbound requests that parse', () => {
  const table: [string, InboundCommand][] = [
    ['/?action=make_call&target=123', { action: 'make_call', target: '123', force: false }],
    ['/?action=make_call&target=%2B49%2030%20123-456', { action: 'make_call', target: '+4930123456', force: false }],
    ['/?action=make_call&target=+4930123', { action: 'make_call', target: '+4930123', force: false }],
    ['/?action=make_call&target=*21%23&force=1', { action: 'make_call', target: '*21#', force: true }],
    ['/?action=make_call&target=sip:alice@127.0.0.1', { action: 'make_call', target: 'sip:alice@127.0.0.1', force: false }],
    ['/?action=make_call&target=tel:+49-30-123', { action: 'make_call', target: '+4930123', force: false }],
    ['/?action=make_call&target=123&token=abc', { action: 'make_call', target: '123', force: false }],
    ['http:// 192.168.0.16:61234?action=make_call&target=123', { action: 'make_call', target: '123', force: false }],
    ['http:// [2003:a:1514:bc00:2c19:6474:2da5:1dc5]:61234?action=make_call&target=121', { action: 'make_call', target: '121', force: false }],
    ['192.168.0.16:61234?action=make_call&target=123', { action: 'make_call', target: '123', force: false }],
    ['?action=answer', { action: 'answer', call: null }],
    [`/?action=hangup&call=${GUID}`, { action: 'hangup', call: GUID }],
    ['/?action=hold', { action: 'hold', call: null }],
    ['/?action=unhold', { action: 'unhold', call: null }],
    ['/?action=transfer&target=200', { action: 'transfer', target: '200', call: null }],
    ['/?action=dtmf&digits=12*%23a', { action: 'dtmf', digits: '12*#A', call: null }],
    ['/command.htm?number=0301234', { action: 'make_call', target: '0301234', force: false }],
    ['/servlet?key=number=0301234', { action: 'make_call', target: '0301234', force: false }],
  ];
  it.each(table)('%s', (target, command) => {
    expect(parseInboundRequest(target)).toEqual(command);
  });
});

describe('inbound requests that are refused with a precise error', () => {
  const table: [string, string, RegExp][] = [
    ['/', 'bad_request', /missing "action"/],
    ['/?action=explode', 'unknown_action', /unknown action "explode"; use one of make_call/],
    ['/?action=make_call', 'bad_request', /make_call needs "target"/],
    ['/?action=make_call&target=', 'bad_request', /needs "target"/],
    ['/?action=make_call&target=12a3', 'invalid_target', /not a phone number/],
    ['/?action=make_call&target=javascript:alert(1)', 'invalid_target', /not a phone number/],
    ['/?action=make_call&target=sip:', 'invalid_target', /not a valid sip/],
    [`/?action=make_call&target=${'1'.repeat(65)}`, 'invalid_target', /longer than 64/],
    ['/?action=make_call&target=1&target=2', 'bad_request', /given twice/],
    ['/?action=make_call&target=1&force=yes', 'bad_request', /"force" must be 0 or 1/],
    ['/?action=make_call&target=1&call=x', 'bad_request', /unknown parameter "call" for make_call/],
    ['/?action=hangup&call=42', 'bad_request', /call GUID/],
    ['/?action=dtmf&digits=12x', 'bad_request', /digits/],
    ['/?action=make_call&target=%E0%A4%A', 'bad_request', /percent-encoding/],
    ['/admin?action=make_call&target=1', 'bad_request', /unknown path "\/admin"/],
    [`/?action=make_call&target=1&x=${'a'.repeat(5000)}`, 'bad_request', /longer than 4096/],
    [`/?action=make_call&target=1&${Array.from({ length: 20 }, (_, i) => `p${i}=1`).join('&')}`, 'bad_request', /more than 16 parameters/],
  ];
  it.each(table)('%s', (target, code, message) => {
    let error: unknown;
    try {
      parseInboundRequest(target);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CallhookError);
    expect((error as CallhookError).code).toBe(code);
    expect((error as CallhookError).message).toMatch(message);
  });

  it.each(table)('%s is returned as the same refusal, not thrown, by readInboundRequest', (target, code, message) => {
    const refusal = readInboundRequest(target);
    expect(refusal).toBeInstanceOf(Refusal);
    expect(refusal).toMatchObject({ code, message: expect.stringMatching(message) });
    expect((refusal as Refusal).toError()).toMatchObject({ code, message: (refusal as Refusal).message });
  });
});

describe('decodeComponent', () => {
  it.each([
    ['plain', 'plain'],
    ['a%2Bb', 'a+b'],
    ['+4930', '+4930'],
    ['%C3%BC', 'ü'],
    ['%zz', null],
    ['100%', null],
    ['%C3%28', null],
  ])('%s → %s', (text, decoded) => {
    expect(decodeComponent(text)).toBe(decoded);
  });
});
