import type { ReactNode } from 'react';
import { createBrowserRouter, Outlet, type RouteObject } from 'react-router';
import { PageLoader } from '@/components/ui/page-loader';
import { AppLayout } from './layout/app-layout';
import { NotFound, RouteError } from './not-found';
import { RequirePermission, RequireSession } from './session/guards';
import { SessionProvider } from './session/session-provider';

function Root(): ReactNode {
  return (
    <SessionProvider>
      <Outlet />
    </SessionProvider>
  );
}

/** A screen only for roles holding `permission`. */
function guarded(permission: string, children: RouteObject[]): RouteObject {
  return { element: <RequirePermission permission={permission} />, children };
}

/**
 * Every screen, each in its own lazily loaded chunk so that the first download stays small
 * (scripts/check-bundle-size.mjs). Features live in src/features/<domain>/; add their routes here
 * and their navigation entries in navigation.ts.
 */
export const routes: RouteObject[] = [
  {
    element: <Root />,
    errorElement: <RouteError />,
    // Shown while the first screen's code loads.
    hydrateFallbackElement: <PageLoader />,
    children: [
      {
        path: 'sign-in',
        lazy: async () => ({
          Component: (await import('@/features/auth/components/sign-in-page')).SignInPage,
        }),
      },
      {
        path: 'change-password',
        element: <RequireSession holdPage="password" />,
        children: [
          {
            index: true,
            lazy: async () => ({
              Component: (await import('@/features/account/components/forced-password-change-page'))
                .ForcedPasswordChangePage,
            }),
          },
        ],
      },
      {
        path: 'set-up-mfa',
        element: <RequireSession holdPage="mfa" />,
        children: [
          {
            index: true,
            lazy: async () => ({
              Component: (await import('@/features/account/components/forced-mfa-enrolment-page'))
                .ForcedMfaEnrolmentPage,
            }),
          },
        ],
      },
      {
        element: <RequireSession />,
        children: [
          {
            element: <AppLayout />,
            errorElement: <RouteError />,
            children: [
              guarded('dashboard:read', [
                {
                  index: true,
                  lazy: async () => ({
                    Component: (await import('@/features/dashboard/components/dashboard-page')).DashboardPage,
                  }),
                },
              ]),
              {
                path: 'appointments',
                children: [
                  guarded('appointments:read', [
                    {
                      index: true,
                      lazy: async () => ({
                        Component: (await import('@/features/appointments/components/appointments-page'))
                          .AppointmentsPage,
                      }),
                    },
                  ]),
                ],
              },
              {
                path: 'emergency',
                children: [
                  guarded('admissions:read', [
                    {
                      index: true,
                      lazy: async () => ({
                        Component: (await import('@/features/emergency/components/emergency-board-page'))
                          .EmergencyBoardPage,
                      }),
                    },
                  ]),
                  guarded('admissions:write', [
                    {
                      path: 'admit',
                      lazy: async () => ({
                        Component: (await import('@/features/emergency/components/quick-admission-page'))
                          .QuickAdmissionPage,
                      }),
                    },
                  ]),
                ],
              },
              {
                path: 'doctors',
                children: [
                  guarded('doctors:read', [
                    {
                      index: true,
                      lazy: async () => ({
                        Component: (await import('@/features/staff/components/doctor-list-page'))
                          .DoctorListPage,
                      }),
                    },
                    {
                      path: ':doctorId',
                      lazy: async () => ({
                        Component: (await import('@/features/staff/components/doctor-page')).DoctorPage,
                      }),
                    },
                  ]),
                ],
              },
              {
                path: 'departments',
                children: [
                  guarded('departments:read', [
                    {
                      index: true,
                      lazy: async () => ({
                        Component: (await import('@/features/staff/components/department-list-page'))
                          .DepartmentListPage,
                      }),
                    },
                    {
                      path: ':departmentId',
                      lazy: async () => ({
                        Component: (await import('@/features/staff/components/department-page'))
                          .DepartmentPage,
                      }),
                    },
                  ]),
                ],
              },
              {
                path: 'patients',
                children: [
                  guarded('patients:read', [
                    {
                      index: true,
                      lazy: async () => ({
                        Component: (await import('@/features/patients/components/patient-list-page'))
                          .PatientListPage,
                      }),
                    },
                    {
                      path: ':patientId/:tab?',
                      lazy: async () => ({
                        Component: (await import('@/features/patients/components/patient-page')).PatientPage,
                      }),
                    },
                  ]),
                  guarded('patients:write', [
                    {
                      path: 'new',
                      lazy: async () => ({
                        Component: (await import('@/features/patients/components/register-patient-page'))
                          .RegisterPatientPage,
                      }),
                    },
                  ]),
                ],
              },
              {
                path: 'finance',
                children: [
                  guarded('billing:read', [
                    {
                      path: 'invoices',
                      lazy: async () => ({
                        Component: (await import('@/features/finance/components/invoices-page')).InvoicesPage,
                      }),
                    },
                    {
                      path: 'invoices/:invoiceId',
                      lazy: async () => ({
                        Component: (await import('@/features/finance/components/invoice-page')).InvoicePage,
                      }),
                    },
                  ]),
                  guarded('billing:write', [
                    {
                      path: 'invoices/new',
                      lazy: async () => ({
                        Component: (await import('@/features/finance/components/new-invoice-page'))
                          .NewInvoicePage,
                      }),
                    },
                  ]),
                  guarded('claims:read', [
                    {
                      path: 'claims',
                      lazy: async () => ({
                        Component: (await import('@/features/finance/components/claims-page')).ClaimsPage,
                      }),
                    },
                  ]),
                ],
              },
              guarded('reports:read', [
                {
                  path: 'reports',
                  lazy: async () => ({
                    Component: (await import('@/features/reports/components/reports-page')).ReportsPage,
                  }),
                },
              ]),
              {
                path: 'admin',
                children: [
                  guarded('users:manage', [
                    {
                      path: 'users',
                      lazy: async () => ({
                        Component: (await import('@/features/admin/components/users-page')).UsersPage,
                      }),
                    },
                  ]),
                  guarded('audit:read', [
                    {
                      path: 'audit',
                      lazy: async () => ({
                        Component: (await import('@/features/admin/components/audit-log-page')).AuditLogPage,
                      }),
                    },
                  ]),
                  guarded('clinical:access-review', [
                    {
                      path: 'emergency-access',
                      lazy: async () => ({
                        Component: (await import('@/features/admin/components/emergency-access-page'))
                          .EmergencyAccessPage,
                      }),
                    },
                  ]),
                ],
              },
              {
                path: 'account',
                lazy: async () => ({
                  Component: (await import('@/features/account/components/account-page')).AccountPage,
                }),
              },
              { path: '*', element: <NotFound /> },
            ],
          },
        ],
      },
    ],
  },
];

export const router = createBrowserRouter(routes);
