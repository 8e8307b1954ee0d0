/**
 * Whether two reports of the remote party name the same party: the same digits (`+49 30 123` =
 * `004930123`'s tail), one number ending in the other when both have 6+ digits (an outside-line or
 * country prefix added by the phone), or the same text for SIP user names.
 */
export function sameParty(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return false;
  const da = a.replace(/\D/g, '');
  const db = b.replace(/\D/g, '');
  if (da === '' || db === '' || da.length !== a.replace(/[\s()+\-./]/g, '').length || db.length !== b.replace(/[\s()+\-./]/g, '').length) {
    return a.toLowerCase() === b.toLowerCase();
  }
  if (da === db) return true;
  return da.length >= 6 && db.length >= 6 && (da.endsWith(db) || db.endsWith(da));
}
