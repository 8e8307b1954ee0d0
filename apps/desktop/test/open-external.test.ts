import { describe, expect, it } from 'vitest';
import { guardedBrowser } from '../src/main/open-external.js';
import { routeNavigation } from '../src/main/window-guard.js';

describe('guardedBrowser', () => {
  it('opens http and https URLs through the shell', async () => {
    const opened: string[] = [];
    const browser = guardedBrowser({ openExternal: async (url) => void opened.push(url) });
    await browser.open('https://crm.example.com/call?n=420');
    await browser.open('http://127.0.0.1:9000/in');
    expect(opened).toEqual(['https://crm.example.com/call?n=420', 'http://127.0.0.1:9000/in']);
  });

  it.each(['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'ms-settings:privacy', 'not a url', 'tel:123'])('refuses %s', async (url) => {
    const opened: string[] = [];
    const browser = guardedBrowser({ openExternal: async (u) => void opened.push(u) });
    await expect(browser.open(url)).rejects.toThrow(/only http and https|not a URL/);
    expect(opened).toEqual([]);
  });
});

describe('routeNavigation', () => {
  const own = 'file:///opt/callhook/dist/renderer/';
  it.each([
    [`${own}index.html#calls`, 'stay'],
    ['https://crm.example.com/', 'external'],
    ['file:///etc/passwd', 'deny'],
    ['javascript:alert(1)', 'deny'],
  ] as const)('%s → %s', (url, route) => {
    expect(routeNavigation(url, own)).toBe(route);
  });
});
