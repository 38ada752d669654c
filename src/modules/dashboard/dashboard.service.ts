import { cacheKeys, cacheNamespaces, jsonCodec, type CachedReads } from '../../cache/index.js';
import type { Database } from '../../db/index.js';
import type { Role } from '../../shared/request-context.js';
import { roleAllows } from '../users/index.js';
import {
  countOpenAdmissionsByPriority,
  countPatients,
  countTodaysAppointmentsByStatus,
  findToday,
  sumRevenue,
} from './dashboard.repository.js';
import type { Dashboard } from './dashboard.schemas.js';

export interface DashboardOptions {
  readonly now?: () => number;
}

const PRIORITIES = [1, 2, 3, 4, 5] as const;
const DASHBOARD_CODEC = jsonCodec<Dashboard>();

/**
 * The day's figures in the hospital's time zone. What a role sees follows what it may read elsewhere:
 * patient counts with patients:read, today's appointments with appointments:read, open admissions with
 * admissions:read, revenue with both reports:read and billing:read (finance, admin). The figures are
 * hospital-wide counts (no patient data), cached per role for cache.ttl.dashboard (shared by every
 * instance when Redis is configured), so the cache key is the role: two roles never share an entry of a
 * different shape.
 */
export class DashboardService {
  constructor(
    /** The read replica when configured, else the primary. */
    private readonly db: Database,
    private readonly timeZone: string,
    private readonly cache: CachedReads,
    private readonly options: DashboardOptions = {},
  ) {}

  async forRole(role: Role): Promise<Dashboard> {
    return this.cache.getOrLoad(cacheKeys.dashboard(role), DASHBOARD_CODEC, () => this.load(role));
  }

  /** Drops every role's cached figures (CachedReads logs and counts a store failure; it never throws). */
  async invalidate(): Promise<void> {
    await this.cache.invalidate([cacheNamespaces.dashboard]);
  }

  private async load(role: Role): Promise<Dashboard> {
    const { db, timeZone } = this;
    const generatedAt = new Date(this.options.now?.() ?? Date.now()).toISOString();
    const dashboard: Dashboard = { date: await findToday(db, timeZone), timeZone, generatedAt };
    if (roleAllows(role, 'patients:read')) {
      dashboard.patients = await countPatients(db, timeZone);
    }
    if (roleAllows(role, 'appointments:read')) {
      const rows = await countTodaysAppointmentsByStatus(db, timeZone);
      const count = (status: string): number => rows.find((row) => row.status === status)?.appointments ?? 0;
      dashboard.appointmentsToday = {
        total: rows.reduce((sum, row) => sum + row.appointments, 0),
        byStatus: {
          scheduled: count('scheduled'),
          checkedIn: count('checked_in'),
          completed: count('completed'),
          cancelled: count('cancelled'),
          noShow: count('no_show'),
        },
      };
    }
    if (roleAllows(role, 'admissions:read')) {
      const rows = await countOpenAdmissionsByPriority(db);
      dashboard.openAdmissions = {
        total: rows.reduce((sum, row) => sum + row.admissions, 0),
        byPriority: PRIORITIES.map((priority) => ({
          priority,
          admissions: rows.find((row) => row.priority === priority)?.admissions ?? 0,
        })),
      };
    }
    if (roleAllows(role, 'reports:read') && roleAllows(role, 'billing:read')) {
      dashboard.revenue = await sumRevenue(db, timeZone);
    }
    return dashboard;
  }
}
