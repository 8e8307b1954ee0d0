import { describe, expect, it } from 'vitest';
import {
  createMaskedSettingsSchema,
  createSettingsSchema,
  defaultSettingsSchema,
  isDefaultEdition,
  loadSettings,
  MaskedSettingsSchema,
  SettingsError,
  SettingsSchema,
} from '../../src/index.js';

const doc = {
  actionUrls: { enabled: true, slots: [{ on: 'inbound', url: 'http://crm/in?n=<$remote_party>' }] },
  inbound: { enabled: true, port: 8099 },
};

describe('the default edition’s settings schema', () => {
  it('is built once and kept: every call answers the same schema', () => {
    const first = defaultSettingsSchema();
    expect(defaultSettingsSchema()).toBe(first);
    expect(first).not.toBe(createSettingsSchema());
  });

  it('is what loadSettings uses without limits, and an edition with limits still gets its own', () => {
    expect(loadSettings(doc).settings).toEqual(createSettingsSchema().parse(doc));
    const threeSlots = { actionUrls: { enabled: true, slots: ['inbound', 'connected', 'disconnected'].map((on) => ({ on, url: 'http://crm/x' })) } };
    expect(() => loadSettings(threeSlots, { maxSlots: 2 })).toThrow(SettingsError);
    expect(loadSettings(threeSlots).settings.actionUrls.slots).toHaveLength(3);
  });

  it('counts an edition as the default only when it sets no limit', () => {
    expect(isDefaultEdition({})).toBe(true);
    expect(isDefaultEdition({ maxSlots: 2 })).toBe(false);
    expect(isDefaultEdition({ sinkModes: ['http'] })).toBe(false);
    expect(isDefaultEdition({ linePlugins: [] })).toBe(false);
  });

  it('SettingsSchema and MaskedSettingsSchema parse as the schemas they stand for', () => {
    expect(SettingsSchema.parse(doc)).toEqual(createSettingsSchema().parse(doc));
    expect(SettingsSchema.safeParse({ inbound: { port: 'x' } }).success).toBe(false);
    const masked = { ...doc, inbound: { ...doc.inbound, token: { set: true } } };
    expect(MaskedSettingsSchema.parse(masked)).toEqual(createMaskedSettingsSchema().parse(masked));
    expect(SettingsSchema.safeParse(masked).success).toBe(false);
  });
});
