import type { Database } from '../../db/index.js';
import type { Role } from '../../shared/request-context.js';
import { roleAllows } from '../users/index.js';
import { TtlCache } from './dashboard-cache.js';
import {
  countOpenAdmissionsByPriority,
  countPatients,
  countTodaysAppointmentsByStatus,
  findToday,
  sumRevenue,
} from './dashboard.repository.js';
import type { Dashboard } from './dashboard.schemas.js';

export interface DashboardOptions {
  /** How long computed figures are served before they are counted again. */
  readonly cacheTtlMs?: number;
  readonly now?: () => number;
  readonly onCacheLookup?: (result: 'hit' | 'miss') => void;
}

const DEFAULT_CACHE_TTL_MS = 5_000;
const PRIORITIES = [1, 2, 3, 4, 5] as const;

/**
 * The day's figures in the hospital's time zone. What a role sees follows what it may read elsewhere:
 * patient counts with patients:read, today's appointments with appointments:read, open admissions with
 * admissions:read, revenue with both reports:read and billing:read (finance, admin). The figures are hospital-wide counts (no patient data), cached per role for a few
 * seconds, so the cache key is the role: two roles never share an entry of a different shape.
 */
export class DashboardService {
  private readonly cache: TtlCache<Dashboard>;

  constructor(
    /** The read replica when configured, else the primary. */
    private readonly db: Database,
    private readonly timeZone: string,
    private readonly options: DashboardOptions = {},
  ) {
    this.cache = new TtlCache<Dashboard>(
      options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS,
      options.now,
      options.onCacheLookup,
    );
  }

  async forRole(role: Role): Promise<Dashboard> {
    return this.cache.getOrLoad(`dashboard:${role}`, () => this.load(role));
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
