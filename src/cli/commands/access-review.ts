import { parseArgs } from 'node:util';
import { stringify } from 'csv-stringify/sync';
import type { AppConfig } from '../../config/load.js';
import type { AccessReview, AccessReviewEntry } from '../../modules/security/index.js';
import { withServices } from '../context.js';
import { EXIT_OK, table, UsageError, type Output } from '../io.js';

const USAGE = `Usage:
  medisys access-review [--inactive-days 90] [--format table|csv|json] [--disable-inactive]
      The quarterly access review: active accounts by last sign-in, and those unused for more than
      --inactive-days (never-used accounts older than that included). --disable-inactive disables them
      (each audited; the last active administrator is kept).`;

const FORMATS = ['table', 'csv', 'json'] as const;
const CSV_COLUMNS = [
  'username',
  'role',
  'last_login',
  'created_date',
  'days_inactive',
  'inactive',
  'locked',
  'disabled_now',
];
type Format = (typeof FORMATS)[number];

function row(entry: AccessReviewEntry, disabled: readonly string[]): Record<string, unknown> {
  return {
    username: entry.username,
    role: entry.role,
    last_login: entry.lastLogin ? new Date(entry.lastLogin).toISOString() : 'never',
    created_date: new Date(entry.createdDate).toISOString(),
    days_inactive: entry.daysInactive,
    inactive: entry.inactive,
    locked: entry.locked,
    disabled_now: disabled.includes(entry.username),
  };
}

function render(review: AccessReview, format: Format): string {
  const rows = review.activeUsers.map((entry) => row(entry, review.disabled));
  if (format === 'json') return JSON.stringify(review, null, 2);
  if (format === 'csv') {
    // csv-stringify writes booleans as 1 and an empty cell; a review sheet says true and false.
    const cells = rows.map((entry) =>
      Object.fromEntries(Object.entries(entry).map(([key, value]) => [key, String(value)])),
    );
    return stringify(cells, { header: true, columns: CSV_COLUMNS }).trimEnd();
  }
  const columns = ['username', 'role', 'last_login', 'created_date', 'days_inactive', 'locked'];
  const inactiveRows = rows.filter((entry) => entry['inactive'] === true);
  const lines = [
    `=== User Access Review (${review.generatedAt.toISOString()}) ===`,
    '',
    `Active users by last sign-in (${rows.length}):`,
    table(rows, columns),
    '',
    `Inactive for more than ${review.inactiveDays} days (${inactiveRows.length}):`,
    inactiveRows.length === 0 ? '  none' : table(inactiveRows, [...columns, 'disabled_now']),
  ];
  if (review.disabled.length > 0) lines.push('', `Disabled now: ${review.disabled.join(', ')}.`);
  for (const kept of review.kept) lines.push(`Kept ${kept.username} enabled: ${kept.reason}.`);
  if (inactiveRows.length > 0 && review.disabled.length === 0 && review.kept.length === 0) {
    lines.push('', 'Review them; `medisys access-review --disable-inactive` disables them (audited).');
  }
  return lines.join('\n');
}

export async function accessReviewCommand(
  args: string[],
  config: AppConfig,
  output: Output,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      'inactive-days': { type: 'string', default: '90' },
      format: { type: 'string', default: 'table' },
      'disable-inactive': { type: 'boolean', default: false },
    },
  });
  if (positionals.length > 0) throw new UsageError(`Unexpected "${positionals[0]}".\n${USAGE}`);
  const inactiveDays = Number(values['inactive-days']);
  if (!Number.isInteger(inactiveDays) || inactiveDays < 1 || inactiveDays > 36_500) {
    throw new UsageError(`--inactive-days must be a whole number of days from 1 to 36500.\n${USAGE}`);
  }
  const format = values.format as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format is table, csv or json.\n${USAGE}`);
  return withServices(config, async ({ services, context }) => {
    const review = await services.accessReview.review(
      { inactiveDays, disableInactive: values['disable-inactive'] ?? false },
      context,
    );
    output.out(render(review, format));
    return EXIT_OK;
  });
}
