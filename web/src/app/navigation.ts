import {
  IconAmbulance,
  IconBuildingHospital,
  IconCalendarEvent,
  IconFileInvoice,
  IconFirstAidKit,
  IconGauge,
  IconListSearch,
  IconReportAnalytics,
  IconShieldCheck,
  IconShieldLock,
  IconStethoscope,
  IconUsers,
  IconUserShield,
  type Icon,
} from '@/components/ui/icons';

export interface NavItem {
  readonly label: string;
  readonly to: string;
  readonly icon: Icon;
  /** Shown when the role holds this permission (src/modules/users/permissions.ts). */
  readonly permission: string;
}

export interface NavSection {
  /** Untitled for the main section. */
  readonly title?: string;
  readonly items: readonly NavItem[];
}

/**
 * The navigation, in the order staff see it. A screen is listed only for roles whose permissions
 * let them use it; the server refuses the rest anyway. Add a feature's screens here and in router.tsx.
 */
export const NAVIGATION: readonly NavSection[] = [
  {
    items: [
      { label: 'Dashboard', to: '/', icon: IconGauge, permission: 'dashboard:read' },
      { label: 'Patients', to: '/patients', icon: IconFirstAidKit, permission: 'patients:read' },
      {
        label: 'Appointments',
        to: '/appointments',
        icon: IconCalendarEvent,
        permission: 'appointments:read',
      },
      { label: 'Emergency', to: '/emergency', icon: IconAmbulance, permission: 'admissions:read' },
    ],
  },
  {
    title: 'Hospital',
    items: [
      { label: 'Doctors', to: '/doctors', icon: IconStethoscope, permission: 'doctors:read' },
      {
        label: 'Departments',
        to: '/departments',
        icon: IconBuildingHospital,
        permission: 'departments:read',
      },
    ],
  },
  {
    title: 'Finance',
    items: [
      { label: 'Invoices', to: '/finance/invoices', icon: IconFileInvoice, permission: 'billing:read' },
      { label: 'Insurance claims', to: '/finance/claims', icon: IconShieldCheck, permission: 'claims:read' },
      { label: 'Reports', to: '/reports', icon: IconReportAnalytics, permission: 'reports:read' },
    ],
  },
  {
    title: 'Administration',
    items: [
      { label: 'Users and roles', to: '/admin/users', icon: IconUsers, permission: 'users:manage' },
      { label: 'Audit log', to: '/admin/audit', icon: IconListSearch, permission: 'audit:read' },
      {
        label: 'Break-the-glass review',
        to: '/admin/emergency-access',
        icon: IconShieldLock,
        permission: 'clinical:access-review',
      },
    ],
  },
];

export const ACCOUNT_ITEM = { label: 'My account', to: '/account', icon: IconUserShield } as const;

/** The sections and items `permissions` allow; empty sections are left out. */
export function visibleNavigation(
  permissions: ReadonlySet<string>,
  navigation: readonly NavSection[] = NAVIGATION,
): NavSection[] {
  return navigation
    .map((section) => ({
      ...section,
      items: section.items.filter((item) => permissions.has(item.permission)),
    }))
    .filter((section) => section.items.length > 0);
}

/** Whether `pathname` is within the item's screen: `/patients/123` is within Patients, `/` only at `/`. */
export function isActive(item: Pick<NavItem, 'to'>, pathname: string): boolean {
  if (item.to === '/') return pathname === '/';
  return pathname === item.to || pathname.startsWith(`${item.to}/`);
}
