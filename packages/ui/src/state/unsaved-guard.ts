import { useEffect } from 'react';

/** Sections with edits not applied yet, by an id each page picks. */
const dirtySections = new Set<string>();

export const LEAVE_QUESTION = 'You have changes that are not applied. Leave this page and lose them?';

/** Whether any page holds edits that are not applied. */
export function hasUnsavedEdits(): boolean {
  return dirtySections.size > 0;
}

/**
 * Before the console switches page (the hash changes) with edits not applied: asks the user, and
 * answers whether to go on. `ask` is the browser's confirm by default.
 */
export function confirmLeave(ask: (question: string) => boolean = (q) => window.confirm(q)): boolean {
  if (!hasUnsavedEdits()) return true;
  if (!ask(LEAVE_QUESTION)) return false;
  dirtySections.clear();
  return true;
}

function onBeforeUnload(event: BeforeUnloadEvent): void {
  if (!hasUnsavedEdits()) return;
  // Browsers show their own question; both calls are needed across engines.
  event.preventDefault();
  event.returnValue = '';
}

/**
 * Marks the section `id` as holding edits not applied while `dirty`: closing or reloading the tab then
 * asks first (beforeunload), and so does switching console pages (`confirmLeave`).
 */
export function useUnsavedGuard(id: string, dirty: boolean): void {
  useEffect(() => {
    if (!dirty) return;
    dirtySections.add(id);
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      dirtySections.delete(id);
      window.removeEventListener('beforeunload', onBeforeUnload);
    };
  }, [id, dirty]);
}
