import { describe, expect, it } from 'vitest';
import { emptySlot, slotsToSave } from '../src/pages/action-urls/slot-row.js';

const filled = (index: number, url: string) => ({ ...emptySlot(index), url, active: true });

describe('slotsToSave', () => {
  it('keeps every slot in its place up to the last filled one', () => {
    const rows = [filled(0, 'http://h/1'), emptySlot(1), filled(2, 'http://h/3'), emptySlot(3), emptySlot(4)];
    expect(slotsToSave(rows).map((s) => [s.url, s.active])).toEqual([
      ['http://h/1', true],
      ['', false],
      ['http://h/3', true],
    ]);
  });

  it('saves a cleared but still ticked row as inactive, and nothing when all are empty', () => {
    expect(slotsToSave([{ ...emptySlot(0), url: '  ', active: true }, filled(1, 'http://h/2')])[0]).toMatchObject({ url: '', active: false });
    expect(slotsToSave([emptySlot(0), emptySlot(1)])).toEqual([]);
  });
});
