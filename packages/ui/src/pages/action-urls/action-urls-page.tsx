import type { MaskedSettings, MaskedSlot } from '@callhook/core';
import type { EngineClient } from '../../client/engine-client.js';
import { ApplyBar } from '../../components/apply-bar.js';
import { SwitchField } from '../../components/switch-field.js';
import { useSettingsSection } from '../../state/use-settings-section.js';
import { PlaceholderTable } from './placeholder-table.js';
import { SlotEditor } from './slot-editor.js';
import { emptySlot, slotRows, slotsToSave } from './slot-row.js';

const slotCodec = {
  toDraft: (section: MaskedSettings['actionUrls']) => ({ ...section, slots: slotRows(section) }),
  toSaved: (draft: MaskedSettings['actionUrls']) => ({ ...draft, slots: slotsToSave(draft.slots) }),
};

/** The spec's "Action URL settings" dialog. */
export function ActionUrlsPage({ client }: { client: EngineClient }) {
  const section = useSettingsSection(client, 'actionUrls', slotCodec);
  const { draft } = section;
  if (draft === null) return <p role="status">{section.feedback?.message ?? 'Loading settings…'}</p>;
  const rows = draft.slots;
  const setRow = (index: number, slot: MaskedSlot) =>
    section.setDraft((current) => ({ ...current, slots: current.slots.map((row, i) => (i === index ? slot : row)) }));

  return (
    <form
      className="page"
      aria-labelledby="action-urls-title"
      onSubmit={(event) => {
        event.preventDefault();
        void section.apply();
      }}
    >
      <h1 id="action-urls-title">Action URLs</h1>
      <ol className="steps muted">
        <li>Activate up to {rows.length} Action URLs by inserting URLs in the designated areas.</li>
        <li>Choose whether a URL is opened in your standard web browser instead of being called.</li>
        <li>Click Apply to apply the changes.</li>
      </ol>
      <SwitchField
        id="action-urls-enabled"
        label="Enable Action URLs"
        checked={draft.enabled}
        onChange={(enabled) => section.setDraft((current) => ({ ...current, enabled }))}
        hint="Activates the usage of Action URLs for incoming and outgoing calls."
      />
      {rows.map((slot, index) => (
        <SlotEditor
          key={index}
          index={index}
          slot={slot}
          onChange={(next) => setRow(index, next)}
          onDelete={() => setRow(index, emptySlot(index))}
          client={client}
        />
      ))}
      <PlaceholderTable />
      <ApplyBar dirty={section.dirty} saving={section.saving} feedback={section.feedback} onDiscard={section.discard} />
    </form>
  );
}
