/** Checks of what a user types into a form's plain fields (amounts are money.ts's). */

/** A whole number typed into a field, within [min, max]; the problem in words otherwise. */
export function readWholeNumber(
  text: string,
  min: number,
  max: number,
  unit: string,
): { ok: true; value: number } | { ok: false; problem: string } {
  const trimmed = text.trim();
  if (!/^\d{1,7}$/.test(trimmed)) return { ok: false, problem: `Enter a whole number of ${unit}.` };
  const value = Number(trimmed);
  if (value < min || value > max)
    return { ok: false, problem: `Enter between ${min} and ${max.toLocaleString('en')} ${unit}.` };
  return { ok: true, value };
}
