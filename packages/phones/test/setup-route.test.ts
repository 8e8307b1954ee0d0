import { systemClock } from '@callhook/node';
import { LINE_SETUP_ROUTE } from '@callhook/server/contract';
import { describe, expect, it } from 'vitest';
import {
  createDriver,
  DeskPhoneLine,
  DeskPhoneLineSchema,
  deskphoneLinePlugin,
  eventSecret,
  lineSetupReply,
  SETUP_ROUTE,
  type DeskPhoneSettings,
} from '../src/index.js';

describe('the deskphone plugin route GET /api/v1/lines/:id/setup', () => {
  it("answers a running desk-phone line's setup text and refuses other ids with no_such_line", async () => {
    const settings: DeskPhoneSettings = {
      id: 'desk-12',
      ...DeskPhoneLineSchema.parse({
        type: 'deskphone',
        vendor: 'grandstream',
        url: 'http://192.0.2.10',
        password: 'pw',
        account: '987@example.com',
        callback: { listen: '127.0.0.1', port: 61235, url: 'http://192.0.2.5:61235' },
      }),
    };
    const line = new DeskPhoneLine(settings, { clock: systemClock, driver: createDriver(settings, { clock: systemClock }) });
    const routes = new Map<string, (request: { params: unknown }) => Promise<unknown>>();
    deskphoneLinePlugin.routes!(
      { get: (path: string, handler: (request: { params: unknown }) => Promise<unknown>) => routes.set(path, handler) },
      {
        engine: null,
        lines: () => [{ id: 'desk-12', line }],
      },
    );
    const handler = routes.get(SETUP_ROUTE)!;
    expect(await handler({ params: { id: 'desk-12' } })).toEqual({
      ok: true,
      line: 'desk-12',
      vendor: 'grandstream',
      text: expect.stringContaining(`Incoming Call = 192.0.2.5:61235/phone/${eventSecret(settings)}/incoming/remote=$remote&`),
    });
    // The answer is what the contract declares (the console and the desktop parse it with this schema).
    expect(LINE_SETUP_ROUTE.path).toBe(SETUP_ROUTE);
    expect(LINE_SETUP_ROUTE.response.safeParse(await handler({ params: { id: 'desk-12' } })).success).toBe(true);
    await expect(handler({ params: { id: 'desk-13' } })).rejects.toMatchObject({
      code: 'no_such_line',
      message: 'no desk-phone line "desk-13"; desk-phone lines: desk-12',
    });
  });

  it('lineSetupReply names only the desk-phone lines when the id is another line', () => {
    const other = { id: 'default', line: { kind: 'simulator' } };
    expect(() => lineSetupReply([other], 'default')).toThrow('no desk-phone line "default"; desk-phone lines: none');
  });
});
