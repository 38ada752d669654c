import type { AppConfig } from '../../config/load.js';
import { seedDemo } from '../../operations/seed/seed-demo.js';
import { withServices } from '../context.js';
import { EXIT_OK, UsageError, type Output } from '../io.js';

export async function seedCommand(args: string[], config: AppConfig, output: Output): Promise<number> {
  if (args[0] !== 'demo' || args.length > 1)
    throw new UsageError('Usage: medisys seed demo   (loads a demonstration hospital)');
  return withServices(config, async ({ db, services, context }) => {
    const admin = await db.query<{ id: string; username: string }>(
      "SELECT id, username FROM users WHERE role = 'admin' AND active ORDER BY created_date LIMIT 1",
    );
    const actor = admin.rows[0];
    if (!actor) throw new UsageError('Start MediSys once first, so that the admin account exists.');
    const summary = await seedDemo(db, services, {
      ...context,
      actor: { userId: actor.id, username: actor.username, role: 'admin' },
    });
    const banner = '*'.repeat(78);
    output.out(banner);
    output.out('*  DEMO DATA LOADED: a fictitious hospital for trying MediSys out.');
    output.out('*  Never load it into a database that holds real patients.');
    output.out(banner);
    output.out(
      `${summary.departments} departments, ${summary.doctors} doctors, ${summary.patients} patients, ` +
        `${summary.appointments} appointments, ${summary.admissions} open admissions, ${summary.historyEntries} history entries.`,
    );
    output.out(`Demo users (password for all, shown once): ${summary.password}`);
    for (const user of summary.users) output.out(`  ${user.username.padEnd(14)} ${user.role}`);
    return EXIT_OK;
  });
}
