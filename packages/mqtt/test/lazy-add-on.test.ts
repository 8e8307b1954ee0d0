import { loadSettings, silentLogger } from '@callhook/core';
import { cryptoRandom, systemClock } from '@callhook/node';
import { describe, expect, it } from 'vitest';
import { lazyMqttAddOn } from '../src/lazy.js';

describe('@callhook/mqtt/lazy', () => {
  it('is no add-on without mqtt settings, and needs load(settings) before it builds the bridge', async () => {
    const context = (settings: ReturnType<typeof loadSettings>) => ({ settings, clock: systemClock, random: cryptoRandom, logger: silentLogger });
    const plugin = lazyMqttAddOn();
    const without = loadSettings({});
    await plugin.load!(without);
    expect(plugin.create(context(without))).toBeNull();
    const withMqtt = loadSettings({ mqtt: { url: 'mqtt://127.0.0.1:1' } });
    expect(() => plugin.create(context(withMqtt))).toThrow(/not loaded/);
    await plugin.load!(withMqtt);
    const addOn = plugin.create(context(withMqtt));
    expect(addOn?.name).toBe('mqtt');
  });
});
