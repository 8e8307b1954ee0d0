import * as z from 'zod';
import { defaultInternationalPrefix, isDialPlanCountry } from '../dial/dial-plan.js';

/**
 * A line's id: what `lines[].id`, `<$line_id>`, `line=` and a slot's `lines` name. Lowercase letters,
 * digits, `_` and `-`, starting with a letter or digit, at most 32 characters.
 */
export const LINE_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/;
/** The id of the one line written with the `line` shorthand. */
export const DEFAULT_LINE_ID = 'default';
/**
 * Lines one instance runs at most: an office's desk phones watched by one `callhook serve` (the desk-phone
 * bench drives 1,000 on one instance; their event URLs share one callback listener per address and port).
 */
export const MAX_LINES = 1_024;

export const LineIdSchema = z
  .string({ error: 'a line id is a string such as "desk-12"' })
  .regex(LINE_ID_PATTERN, 'a line id is 1–32 of a-z, 0-9, _ and -, starting with a letter or digit, e.g. "desk-12"');

/**
 * What answering a call does to a call already connected on the line. `hold` (the default, as desk
 * phones do): the connected call is put on hold first, firing its hold Action URL. `none`: both stay
 * connected (a conference-like state few users want).
 */
export const CallWaitingSchema = z.enum(['hold', 'none'], { error: 'callWaiting must be "hold" or "none"' }).default('hold');

/**
 * `dialPlan`: off (null) by default. When set, E.164 numbers (`+4930123460`) are sent to the line
 * as the PBX expects them (outside line + national or international prefix), and the deny list also
 * compares numbers in E.164. See `DialPlan`.
 */
export const DialPlanSchema = z
  .strictObject({
    country: z.string().refine(isDialPlanCountry, 'write the country as an ISO 3166-1 alpha-2 code such as "DE" or "US"'),
    outsideLinePrefix: z
      .string()
      .regex(/^[0-9*#]{0,8}$/, 'the outside line prefix is up to 8 of 0-9, * and # (often "0" or "9"; "" for none)')
      .default(''),
    internationalPrefix: z
      .string()
      .regex(/^[0-9]{1,6}$/, 'the international prefix is 1–6 digits such as "00" or "011"')
      .nullable()
      .default(null),
  })
  .refine((plan) => plan.internationalPrefix !== null || !isDialPlanCountry(plan.country) || defaultInternationalPrefix(plan.country) !== null, {
    message: 'this country has several international prefixes; set internationalPrefix (e.g. "00")',
    path: ['internationalPrefix'],
  });

/**
 * The fields every line's settings have, whatever its type: the engine reads them (call waiting on
 * answer, the dial plan on every dialled number). A line plugin's `settingsSchema` spreads them in.
 */
export const LINE_COMMON_FIELDS = {
  callWaiting: CallWaitingSchema,
  dialPlan: DialPlanSchema.nullable().default(null),
};

/** The names of `LINE_COMMON_FIELDS`: the engine applies changes to them live, for every line type. */
export const LINE_COMMON_FIELD_NAMES: readonly string[] = Object.keys(LINE_COMMON_FIELDS);

/**
 * One validated line of `lines`: its id, its `type` (a registered `LinePlugin`), the common fields,
 * and whatever else its plugin's schema holds.
 */
export interface LineSettings {
  id: string;
  type: string;
  callWaiting: 'hold' | 'none';
  dialPlan: z.output<typeof DialPlanSchema> | null;
  [field: string]: unknown;
}
