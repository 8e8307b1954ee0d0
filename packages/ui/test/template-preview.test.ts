import { describe, expect, it } from 'vitest';
import { previewTemplate } from '../src/pages/action-urls/template-preview.js';

describe('previewTemplate', () => {
  it.each([
    [
      'inbound',
      'http://h/?a=<$action>&d=<$call_direction>&l=<$local_alias>&h=<$hold_state>&c=<$call_created_time>&x=<$call_connected_time>',
      'http://h/?a=inbound&d=inbound&l=%22Michael%22%20(303)&h=off_hold&c=2022-02-13T17-43-50&x=1899-12-31T00-00-00',
    ],
    [
      'inbound',
      'http://h/?g=<$call_guid>&r=<$remote_party>&n=<$remote_alias>',
      'http://h/?g=2843c1f9-1f8b-375a-0e01-e8682f222c10&r=420&n=%22Michael%20D785%22%20(420)',
    ],
    ['hold', 'http://h/?h=<$hold_state>&dur=<$call_duration_seconds>', 'http://h/?h=on_hold&dur=0'],
    ['disconnected', 'http://h/?dur=<$call_duration_seconds>&end=<$call_disconnected_time>', 'http://h/?dur=7&end=2022-02-13T17-44-02'],
    ['outbound', 'http://h/?i=<$call_direction_as_int>', 'http://h/?i=1'],
  ] as const)('expands the spec example call for %s: %s', (action, url, expected) => {
    expect(previewTemplate(url, action)).toEqual({ kind: 'ok', url: expected });
  });

  it.each([
    ['http://h/?x=<$nope>', 12],
    ['http://h/?x=<$remote_party', 12],
    ['ftp://h/', 0],
    ['http://<$remote_party>/', 7],
  ])('points at the offending offset of %s', (url, offset) => {
    const preview = previewTemplate(url, 'inbound');
    expect(preview).toMatchObject({ kind: 'error', offset });
    expect(preview.kind === 'error' && preview.excerpt).toContain('^');
  });

  it('says nothing for an empty slot', () => {
    expect(previewTemplate('  ', 'inbound')).toEqual({ kind: 'empty' });
  });
});
