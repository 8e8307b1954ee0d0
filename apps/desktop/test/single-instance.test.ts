import { describe, expect, it } from 'vitest';
import { claimSingleInstance } from '../src/main/single-instance.js';
import { FakeApp } from './support/fakes.js';

describe('claimSingleInstance', () => {
  it('a second launch quits and leaves its link to the first', () => {
    const app = new FakeApp(false);
    const links: string[] = [];
    expect(claimSingleInstance(app, ['callhook', 'tel:123'], { onLink: (l) => links.push(l), onSecondLaunch: () => undefined })).toBe(false);
    expect(app.quitCalled).toBe(true);
    expect(links).toEqual([]);
  });

  it('the first instance dials its own link and every link a second launch hands over', () => {
    const app = new FakeApp(true);
    const links: string[] = [];
    let focused = 0;
    expect(claimSingleInstance(app, ['callhook', 'sip:303@pbx'], { onLink: (l) => links.push(l), onSecondLaunch: () => focused++ })).toBe(true);
    app.emit('second-instance', {}, ['callhook', '--flag', 'callto:+4930123']);
    app.emit('second-instance', {}, ['callhook']);
    let prevented = false;
    app.emit('open-url', { preventDefault: () => (prevented = true) }, 'tel:42');
    expect(links).toEqual(['sip:303@pbx', 'callto:+4930123', 'tel:42']);
    expect(focused).toBe(2);
    expect(prevented).toBe(true);
    expect(app.quitCalled).toBe(false);
  });
});
