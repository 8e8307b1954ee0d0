import { loadSettingsText, SettingsError, type EditionLimits, type LoadedSettings, type Settings } from '@callhook/core';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic-write.js';

/** Where settings persist: the settings file, or nowhere (the demo's embedded settings). */
export interface SettingsStore {
  readonly path: string | null;
  save(settings: Settings): void;
}

export const unsavedSettings: SettingsStore = { path: null, save() {} };

/** A settings JSON file: read and validated by core, written atomically (it holds the token: mode 0600). */
export class SettingsFile implements SettingsStore {
  constructor(readonly path: string) {}

  /** Reads and validates the file against the edition's rules (`editionLimits(edition)`; default: core's built-ins). */
  load(edition?: EditionLimits): LoadedSettings {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      const reason =
        (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file (create one with: callhook config init > FILE)' : (error as Error).message;
      throw new SettingsError([{ path: '', message: `cannot read ${this.path}: ${reason}` }]);
    }
    return loadSettingsText(text, edition);
  }

  save(settings: Settings): void {
    writeFileAtomic(this.path, `${JSON.stringify(settings, null, 2)}\n`);
  }
}
