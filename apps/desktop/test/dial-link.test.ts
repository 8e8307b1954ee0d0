import { describe, expect, it } from 'vitest';
import { dialTargetFromLink, linkFromArgv } from '../src/main/dial-link.js';

describe('dialTargetFromLink', () => {
  it.each([
    ['tel:+49-30-1234567', '+49301234567'],
    ['tel:%2B49%2030%20123', '+4930123'],
    ['tel:0301234;phone-context=+49', '0301234'],
    ['tel:+1-201-555-0123;ext=1234', '+12015550123p1234'],
    ['tel:%2B4930123;postd=pp123', '+4930123pp123'],
    ['TEL:123', '123'],
    ['sip:303@pbx.example.com', 'sip:303@pbx.example.com'],
    ['sip:303@pbx.example.com?subject=hello', 'sip:303@pbx.example.com'],
    ['sips:alice@example.com', 'sips:alice@example.com'],
    ['callto:+4930123', '+4930123'],
    ['callto://+4930123/', '+4930123'],
    ['callto:alice@pbx.example.com', 'sip:alice@pbx.example.com'],
  ])('dials %s as %s', (link, target) => {
    expect(dialTargetFromLink(link)).toBe(target);
  });

  it.each(['http://example.com', 'tel:', 'tel:call-me-maybe', 'sip:', 'callto:', 'tel:%E0%A4%A', 'javascript:alert(1)', 'mailto:a@b'])('refuses %s', (link) => {
    expect(dialTargetFromLink(link)).toBeNull();
  });
});

describe('linkFromArgv', () => {
  it('finds the link a launch carries, ignoring Electron flags', () => {
    expect(linkFromArgv(['/opt/callhook/callhook', '--no-sandbox', 'tel:123'])).toBe('tel:123');
    expect(linkFromArgv(['/opt/callhook/callhook', '--flag'])).toBeNull();
  });
});
