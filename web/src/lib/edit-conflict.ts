/** One field of a record that two people edited at once, as the conflict notice compares it. */
export interface ConflictRow {
  readonly field: string;
  readonly label: string;
  /** What the record holds now (saved by the other person). */
  readonly current: string;
  /** What this user typed. */
  readonly mine: string;
  readonly changedByOther: boolean;
}

/**
 * The fields this user changed or the other person changed since `base` (the version the edit began
 * from), each shown as `display` renders it. Values are compared as the form holds them (strings).
 */
export function conflictRows<Values extends object>(
  fields: readonly (keyof Values & string)[],
  labels: Readonly<Record<keyof Values & string, string>>,
  base: Values,
  current: Values,
  mine: Values,
  display: (value: Values[keyof Values]) => string = (value) => (value === '' ? '—' : String(value)),
): ConflictRow[] {
  return fields
    .filter((field) => mine[field] !== base[field] || current[field] !== base[field])
    .map((field) => ({
      field,
      label: labels[field],
      current: display(current[field]),
      mine: display(mine[field]),
      changedByOther: current[field] !== base[field],
    }));
}

/** The form's values with this user's changes (against `base`) laid over the current version. */
export function reapplyChanges<Values extends object>(base: Values, current: Values, mine: Values): Values {
  const merged = { ...current };
  for (const field of Object.keys(mine) as (keyof Values)[]) {
    if (mine[field] !== base[field]) merged[field] = mine[field];
  }
  return merged;
}
