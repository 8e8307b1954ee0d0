/** The seed property tests (fast-check) run with unless `FC_SEED` names another. */
export const DEFAULT_PROPERTY_SEED = 424_242;

/**
 * The seed for fast-check's global configuration: `FC_SEED` when it is a whole number (to replay a run
 * or try another), none when it is `random` (fast-check then draws one per run and prints it on a
 * failure), else DEFAULT_PROPERTY_SEED, so a run is the same every time and an unrelated change
 * cannot turn a property red with a new seed.
 */
export function propertySeed(env: Record<string, string | undefined> = process.env): number | undefined {
  const chosen = env.FC_SEED?.trim();
  if (!chosen) return DEFAULT_PROPERTY_SEED;
  if (chosen === 'random') return undefined;
  const seed = Number(chosen);
  if (!Number.isSafeInteger(seed)) throw new Error(`FC_SEED must be a whole number or "random", not ${JSON.stringify(chosen)}`);
  return seed;
}
