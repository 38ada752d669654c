import '@mantine/charts/styles.css';
import { BarChart } from '@mantine/charts';
import { Anchor, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { PageHeader } from '@/components/ui/page-header';
import { PageLoader } from '@/components/ui/page-loader';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { formatCents, formatDate, formatTime } from '@/lib/format';
import { useCan, useSession } from '@/lib/session';
import { useDashboard, type Dashboard } from '../api/get-dashboard';
import { admissionsByPriority, appointmentsByStatus, chartSummary } from './dashboard-charts';
import classes from './dashboard-page.module.css';

function FigureCard({
  label,
  value,
  detail,
  to,
  linkLabel,
}: {
  label: string;
  value: string;
  detail?: string;
  to?: string;
  linkLabel?: string;
}): ReactNode {
  return (
    <Paper withBorder p="md" radius="md" className={classes.card}>
      <Text size="sm" c="dimmed" fw={600}>
        {label}
      </Text>
      <Text fz={32} fw={700} lh={1.2} data-testid={`figure-${label}`}>
        {value}
      </Text>
      {detail ? <Text size="sm">{detail}</Text> : null}
      {to ? (
        <Anchor component={Link} to={to} size="sm" mt="xs">
          {linkLabel ?? `Open ${label.toLowerCase()}`}
        </Anchor>
      ) : null}
    </Paper>
  );
}

function ChartCard({
  title,
  summary,
  children,
}: {
  title: string;
  summary: string;
  children: ReactNode;
}): ReactNode {
  return (
    <Paper withBorder p="md" radius="md" component="figure" className={classes.chart}>
      <Title order={2} size="h5" mb="sm" component="figcaption">
        {title}
      </Title>
      {/* The chart is a picture of the summary below: screen readers and the keyboard get the text. */}
      <div inert>{children}</div>
      <Text size="xs" c="dimmed" mt="xs">
        {summary}
      </Text>
    </Paper>
  );
}

function Figures({ dashboard }: { dashboard: Dashboard }): ReactNode {
  const canRegister = useCan('patients:write');
  const { patients, appointmentsToday, openAdmissions, revenue } = dashboard;
  return (
    <div className={classes.figures}>
      {patients ? (
        <FigureCard
          label="Patients"
          value={patients.total.toLocaleString('en-GB')}
          detail={`${patients.newThisMonth.toLocaleString('en-GB')} registered this month`}
          to="/patients"
          linkLabel="Find a patient"
        />
      ) : null}
      {appointmentsToday ? (
        <FigureCard
          label="Appointments today"
          value={appointmentsToday.total.toLocaleString('en-GB')}
          detail={`${appointmentsToday.byStatus.checkedIn} checked in, ${appointmentsToday.byStatus.completed} completed`}
        />
      ) : null}
      {openAdmissions ? (
        <FigureCard
          label="Open admissions"
          value={openAdmissions.total.toLocaleString('en-GB')}
          detail={`${openAdmissions.byPriority.find((entry) => entry.priority === 1)?.admissions ?? 0} at priority 1`}
        />
      ) : null}
      {revenue ? (
        <FigureCard
          label="Revenue this month"
          value={formatCents(revenue.thisMonthCents)}
          detail={`${formatCents(revenue.outstandingCents)} outstanding`}
        />
      ) : null}
      {canRegister ? (
        <Paper withBorder p="md" radius="md" className={classes.card}>
          <Text size="sm" c="dimmed" fw={600}>
            Front desk
          </Text>
          <Stack gap="xs" mt="xs">
            <Button component={Link} to="/patients/new">
              Register a patient
            </Button>
            <Button component={Link} to="/patients" variant="default">
              Find a patient
            </Button>
          </Stack>
        </Paper>
      ) : null}
    </div>
  );
}

/** The start page: today's figures for the role, as cards and charts, with links into each module. */
export function DashboardPage(): ReactNode {
  const { user } = useSession();
  const dashboard = useDashboard();
  return (
    <>
      <PageHeader
        title="Dashboard"
        description={
          dashboard.data
            ? `${formatDate(dashboard.data.date)} · figures as of ${formatTime(dashboard.data.generatedAt)}`
            : `Welcome, ${user.displayName ?? user.username}`
        }
      />
      {dashboard.isPending ? <PageLoader /> : null}
      {dashboard.isError ? (
        <ProblemAlert error={dashboard.error} onRetry={() => void dashboard.refetch()} />
      ) : null}
      {dashboard.data ? (
        <Stack gap="lg">
          <Figures dashboard={dashboard.data} />
          <Group grow align="stretch" wrap="wrap" className={classes.charts}>
            {dashboard.data.appointmentsToday ? (
              <ChartCard
                title="Today's appointments by status"
                summary={chartSummary(
                  appointmentsByStatus(dashboard.data.appointmentsToday.byStatus),
                  'status',
                )}
              >
                <BarChart
                  h={220}
                  data={appointmentsByStatus(dashboard.data.appointmentsToday.byStatus)}
                  dataKey="label"
                  series={[{ name: 'count', label: 'Appointments', color: 'blue.8' }]}
                  withTooltip={false}
                  gridAxis="x"
                />
              </ChartCard>
            ) : null}
            {dashboard.data.openAdmissions ? (
              <ChartCard
                title="Open admissions by triage priority"
                summary={chartSummary(
                  admissionsByPriority(dashboard.data.openAdmissions.byPriority),
                  'priority',
                )}
              >
                <BarChart
                  h={220}
                  data={admissionsByPriority(dashboard.data.openAdmissions.byPriority)}
                  dataKey="label"
                  series={[{ name: 'count', label: 'Admissions', color: 'red.9' }]}
                  withTooltip={false}
                  gridAxis="x"
                />
              </ChartCard>
            ) : null}
          </Group>
        </Stack>
      ) : null}
    </>
  );
}
