import { render, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { simulatorLine } from '@callhook/core';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { LineType } from '../src/client/engine-client.js';
import { fieldKind, freeLineId, newLine, type JsonSchema } from '../src/pages/lines/field-kind.js';
import { LinesPage } from '../src/pages/lines/lines-page.js';
import { FakeClient } from './support/fake-client.js';

const schemaOf = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;

/** A SIP-like type: the registrar, a write-only password, a transport choice and a codec list. */
const DESK: LineType = {
  type: 'desk',
  secrets: ['password'],
  setup: false,
  schema: schemaOf(
    z.strictObject({
      type: z.literal('desk'),
      registrar: z.string().describe('the PBX, host[:port]'),
      password: z.string().default(''),
      transport: z.enum(['udp', 'tcp']).default('udp'),
      codecs: z.array(z.string()).default(['PCMU', 'PCMA']),
      registerExpires: z.number().int().min(30).max(86_400).default(600),
    }),
  ),
};

class LinesClient extends FakeClient {
  async getLineTypes(): Promise<LineType[]> {
    return [{ type: 'simulator', secrets: [], schema: schemaOf(simulatorLine.settingsSchema), setup: false }, DESK];
  }
}

describe('field kinds from JSON Schema', () => {
  it('picks a control per field and fills a new line with the defaults', () => {
    const props = (DESK.schema as JsonSchema).properties!;
    expect(fieldKind(props.password!, true)).toEqual({ kind: 'secret' });
    expect(fieldKind(props.transport!, false)).toEqual({ kind: 'choice', options: ['udp', 'tcp'] });
    expect(fieldKind(props.codecs!, false)).toEqual({ kind: 'list' });
    expect(fieldKind(props.registerExpires!, false)).toEqual({ kind: 'integer', min: 30, max: 86_400 });
    expect(fieldKind({ anyOf: [{ type: 'integer' }, { type: 'null' }] }, false)).toEqual({ kind: 'integer' });
    expect(fieldKind({ type: 'object' }, false)).toEqual({ kind: 'json' });
    expect(newLine('desk', 'line-2', DESK.schema as JsonSchema)).toEqual({
      id: 'line-2',
      type: 'desk',
      password: '',
      transport: 'udp',
      codecs: ['PCMU', 'PCMA'],
      registerExpires: 600,
    });
    expect(freeLineId(['default', 'line-2'])).toBe('line-3');
  });
});

describe('Lines page', () => {
  it("edits a line's fields from its type's schema, adds a line and applies", async () => {
    const user = userEvent.setup();
    const client = new LinesClient();
    render(<LinesPage client={client} />);
    const line = await screen.findByRole('group', { name: 'Line default (simulator)' });
    const name = within(line).getByLabelText('displayName');
    await user.clear(name);
    await user.type(name, 'Empfang');
    const answer = within(line).getByLabelText('answerAfterMs');
    await user.clear(answer);
    await user.type(answer, '500');
    await user.click(screen.getByRole('button', { name: 'Add line' }));
    await screen.findByRole('group', { name: 'Line line-2 (simulator)' });
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(client.settings.lines).toHaveLength(2));
    expect(client.settings.lines[0]).toMatchObject({ id: 'default', type: 'simulator', displayName: 'Empfang', answerAfterMs: 500 });
    expect(client.settings.lines[1]).toMatchObject({ id: 'line-2', type: 'simulator' });
  });

  it('shows a secret field of another line type as write-only, and its choices and lists', async () => {
    const user = userEvent.setup();
    render(<LinesPage client={new LinesClient()} />);
    await screen.findByRole('group', { name: 'Line default (simulator)' });
    await user.selectOptions(screen.getByLabelText('New line of type'), 'desk');
    await user.click(screen.getByRole('button', { name: 'Add line' }));
    const desk = await screen.findByRole('group', { name: 'Line line-2 (desk)' });
    expect(within(desk).getByLabelText('New password').getAttribute('type')).toBe('password');
    expect((within(desk).getByLabelText('transport') as HTMLSelectElement).value).toBe('udp');
    expect((within(desk).getByLabelText('codecs') as HTMLTextAreaElement).value).toBe('PCMU\nPCMA');
    expect(within(desk).getByText('the PBX, host[:port]')).toBeTruthy();
  });
});
