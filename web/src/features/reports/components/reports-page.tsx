import { Button, Group, Paper, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent, type ReactNode } from 'react';
import { EmptyState } from '@/components/ui/empty-state';
import { IconDownload } from '@/components/ui/icons';
import { PageHeader } from '@/components/ui/page-header';
import { PageLoader } from '@/components/ui/page-loader';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { localToday } from '@/lib/format';
import { saveFile } from '@/lib/save-file';
import { useSession } from '@/lib/session';
import { downloadReport, useDepartments, useReport } from '../api/reports';
import { ReportPreview } from './report-preview';
import {
  defaultFilters,
  departmentRequired,
  filterProblems,
  reportsFor,
  type ReportFilterValues,
} from './report-query';
import classes from './reports-page.module.css';

/** Choose a report and its period, preview it with a chart, and download it as CSV or PDF. */
export function ReportsPage(): ReactNode {
  const { user } = useSession();
  const available = reportsFor(user.role);
  const [values, setValues] = useState<ReportFilterValues>(() =>
    defaultFilters(available[0]?.name ?? 'doctor-performance', localToday()),
  );
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [applied, setApplied] = useState<ReportFilterValues | undefined>(undefined);
  const [downloading, setDownloading] = useState<'csv' | 'pdf' | undefined>(undefined);
  const [downloadError, setDownloadError] = useState<unknown>(undefined);
  const report = useReport(applied);
  const departments = useDepartments();
  const chosen = available.find((entry) => entry.name === values.report);

  const checked = (): ReportFilterValues | undefined => {
    const found = filterProblems(values, user.role);
    setProblems(found);
    return Object.keys(found).length === 0 ? values : undefined;
  };
  const preview = (event: FormEvent): void => {
    event.preventDefault();
    const filters = checked();
    if (filters) setApplied({ ...filters });
  };
  const download = (format: 'csv' | 'pdf'): void => {
    const filters = checked();
    if (!filters) return;
    setDownloading(format);
    setDownloadError(undefined);
    downloadReport(filters, format)
      .then(saveFile, setDownloadError)
      .finally(() => setDownloading(undefined));
  };
  const set = (changes: Partial<ReportFilterValues>): void => setValues({ ...values, ...changes });

  return (
    <>
      <PageHeader
        title="Reports"
        description="Figures for a period, previewed here and downloaded as CSV or PDF. Every report is audited."
      />
      <Paper
        withBorder
        p="md"
        radius="md"
        mb="md"
        component="form"
        onSubmit={preview}
        noValidate
        aria-label="Report and filters"
      >
        <Stack gap="sm">
          <div className={classes.filters}>
            <Select
              label="Report"
              w={260}
              allowDeselect={false}
              data={available.map((entry) => ({ value: entry.name, label: entry.title }))}
              value={values.report}
              onChange={(name) => set({ report: name ?? values.report })}
            />
            <TextInput
              label="From"
              type="date"
              value={values.from}
              error={problems['from']}
              onChange={(event) => set({ from: event.currentTarget.value })}
            />
            <TextInput
              label="To"
              type="date"
              value={values.to}
              error={problems['to']}
              onChange={(event) => set({ to: event.currentTarget.value })}
            />
            <Select
              label="Department"
              w={240}
              allowDeselect={false}
              required={departmentRequired(user.role)}
              error={problems['departmentId']}
              data={[
                ...(departmentRequired(user.role) ? [] : [{ value: '', label: 'All departments' }]),
                ...(departments.data?.items ?? []).map((department) => ({
                  value: department.id,
                  label: department.archived ? `${department.name} (archived)` : department.name,
                })),
              ]}
              value={values.departmentId}
              onChange={(departmentId) => set({ departmentId: departmentId ?? '' })}
            />
            {values.report === 'finance' ? (
              <Stack gap={4}>
                <Text size="sm" fw={500} id="group-by-label">
                  Revenue by
                </Text>
                <SegmentedControl
                  aria-labelledby="group-by-label"
                  data={[
                    { value: 'month', label: 'Month' },
                    { value: 'day', label: 'Day' },
                  ]}
                  value={values.groupBy}
                  onChange={(groupBy) => set({ groupBy: groupBy })}
                />
              </Stack>
            ) : null}
          </div>
          {chosen ? (
            <Text size="sm" c="dimmed">
              {chosen.description}
            </Text>
          ) : null}
          <Group gap="sm">
            <Button type="submit" loading={report.isFetching}>
              Preview
            </Button>
            <Button
              variant="default"
              leftSection={<IconDownload size={16} aria-hidden />}
              loading={downloading === 'csv'}
              onClick={() => download('csv')}
            >
              Download CSV
            </Button>
            <Button
              variant="default"
              leftSection={<IconDownload size={16} aria-hidden />}
              loading={downloading === 'pdf'}
              onClick={() => download('pdf')}
            >
              Download PDF
            </Button>
          </Group>
        </Stack>
      </Paper>
      <ProblemAlert error={downloadError} title="The report could not be downloaded" />
      <ProblemAlert error={report.error} title="The report could not be generated" />
      {applied === undefined ? (
        <EmptyState>Choose a report and its period, then preview or download it.</EmptyState>
      ) : null}
      {applied && report.isPending ? <PageLoader label="Generating the report" /> : null}
      {applied && report.data ? <ReportPreview name={applied.report} report={report.data} /> : null}
    </>
  );
}
