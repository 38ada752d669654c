import pg from 'pg';

export interface RecordedStatement {
  /** Set when MediSys runs it as a named prepared statement (the baseline then does too). */
  readonly name?: string;
  readonly text: string;
  readonly values: readonly unknown[];
}

/**
 * Records every statement node-postgres sends while `action` runs (in this process), so baselines B2 and
 * B3 can run exactly the SQL a route runs, with nothing of MediSys around it.
 */
export async function recordStatements(action: () => Promise<void>): Promise<RecordedStatement[]> {
  const recorded: RecordedStatement[] = [];
  const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = prototype.query;
  prototype.query = function (this: unknown, ...args: unknown[]): unknown {
    const [first, second] = args;
    if (typeof first === 'string') {
      recorded.push({ text: first, values: Array.isArray(second) ? [...(second as unknown[])] : [] });
    } else if (first && typeof first === 'object' && 'text' in first) {
      const config = first as { name?: string; text: string; values?: unknown[] };
      recorded.push({
        ...(config.name ? { name: config.name } : {}),
        text: config.text,
        values: [...(config.values ?? [])],
      });
    }
    return original.apply(this, args);
  };
  try {
    await action();
  } finally {
    prototype.query = original;
  }
  return recorded;
}

/** Replaces every parameter equal to a key of `substitutions` (e.g. the patient id of the recording). */
export function substitute(
  statements: readonly RecordedStatement[],
  substitutions: ReadonlyMap<string, unknown>,
): RecordedStatement[] {
  return statements.map((statement) => ({
    ...statement,
    values: statement.values.map((value) =>
      typeof value === 'string' && substitutions.has(value) ? substitutions.get(value) : value,
    ),
  }));
}

/**
 * pgbench reads `:name` anywhere in a command as a variable, even inside a string literal, so a colon
 * followed by a name character is spelled with chr(58) and the pieces concatenated.
 */
function quoted(text: string): string {
  if (!/:[A-Za-z0-9_]/.test(text)) return pg.escapeLiteral(text);
  return `(${text
    .split(':')
    .map((part) => pg.escapeLiteral(part))
    .join(' || chr(58) || ')})`;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return `to_timestamp(${value.getTime() / 1000})`;
  // A column of rows (the audit insert's arrays): the statement's own cast (`$1::uuid[]`) types it.
  if (Array.isArray(value)) return `ARRAY[${value.map(literal).join(', ')}]`;
  if (typeof value === 'object') return `${quoted(JSON.stringify(value))}::jsonb`;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (ISO_INSTANT.test(text)) return `to_timestamp(${Date.parse(text) / 1000})`;
  return quoted(text);
}

/**
 * A pgbench script of the recorded statements with their parameters inlined; a parameter equal to a key
 * of `expressions` becomes that SQL expression instead (e.g. `:n`-based values that differ per run).
 */
export function pgbenchScript(
  statements: readonly RecordedStatement[],
  expressions: ReadonlyMap<string, string>,
  preamble: readonly string[],
): string {
  const lines = [...preamble];
  for (const statement of statements) {
    const text = statement.text.replace(/\$(\d+)/g, (_match, digits: string) => {
      const value = statement.values[Number(digits) - 1];
      if (typeof value === 'string' && expressions.has(value)) return expressions.get(value)!;
      return literal(value);
    });
    lines.push(`${text.replace(/\s+/g, ' ').trim()};`);
  }
  return `${lines.join('\n')}\n`;
}
