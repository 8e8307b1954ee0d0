/**
 * The ECMA-323 (CSTA XML) editions a uaCSTA phone may speak, by XML namespace. ECMA-323 3rd, 4th and
 * 5th editions each define their own namespace; the element names callhook uses are the same in all
 * three. Snom answers in the ed5 namespace even to ed3 requests (Snom wiki "uaCSTA over SIP - Requests
 * and Events"), so every edition is read whatever edition is written.
 */
export type CstaEdition = 'ed3' | 'ed4' | 'ed5';

/** The namespace URI of each ECMA-323 edition. */
export const CSTA_NAMESPACES: Readonly<Record<CstaEdition, string>> = {
  ed3: 'http://www.ecma-international.org/standards/ecma-323/csta/ed3',
  ed4: 'http://www.ecma-international.org/standards/ecma-323/csta/ed4',
  ed5: 'http://www.ecma-international.org/standards/ecma-323/csta/ed5',
};

/** The edition whose namespace is `uri`, or undefined for any other namespace (or none). */
export function editionOf(uri: string | undefined): CstaEdition | undefined {
  for (const edition of Object.keys(CSTA_NAMESPACES) as CstaEdition[]) if (CSTA_NAMESPACES[edition] === uri) return edition;
  return undefined;
}
