import '@mantine/charts/styles.css';
import { BarChart } from '@mantine/charts';
import { Paper, Stack, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { formatDate, formatDateTime } from '@/lib/format';
import type { ReportName } from './report-query';
import { chartSummary, formatCell, previewTables, reportChart, type ReportJson } from './report-view';
import classes from './reports-page.module.css';

function ReportChart({ name, report }: { name: ReportName; report: ReportJson }): ReactNode {
  const chart = reportChart(name, report);
  return (
    <Paper withBorder p="md" radius="md" component="figure" className={classes.chart}>
      <Title order={2} size="h5" mb="sm" component="figcaption">
        {chart.title}
      </Title>
      {chart.points.length > 0 ? (
        // A picture of the summary below: screen readers and the keyboard get the text.
        <div inert>
          <BarChart
            h={240}
            data={chart.points.map((point) => ({ label: point.label, value: point.value }))}
            dataKey="label"
            maxBarWidth={56}
            series={[{ name: 'value', label: chart.series, color: 'blue.8' }]}
            withTooltip={false}
            gridAxis="x"
          />
        </div>
      ) : null}
      <Text size="xs" c="dimmed" mt="xs" data-testid="chart-summary">
        {chartSummary(chart)}
      </Text>
    </Paper>
  );
}

/** The report as it will download: its heading, a chart of its main table, then every table. */
export function ReportPreview({ name, report }: { name: ReportName; report: ReportJson }): ReactNode {
  const filters = report.filters;
  return (
    <Stack gap="md" data-testid="report-preview">
      <div>
        <Title order={2} size="h3">
          {report.title}
        </Title>
        <Text size="sm" c="dimmed">
          {formatDate(filters['from'])} to {formatDate(filters['to'])}
          {filters['departmentName'] ? ` · ${filters['departmentName']}` : ''}
          {filters['doctorName'] ? ` · ${filters['doctorName']}` : ''} · generated{' '}
          {formatDateTime(report.generatedAt)} by {report.generatedBy}
        </Text>
      </div>
      <ReportChart name={name} report={report} />
      {previewTables(report).map((table) => (
        <Paper withBorder radius="md" key={table.key} component="section" aria-label={table.title}>
          <Title order={3} size="h5" p="sm" pb={0}>
            {table.title}
          </Title>
          {table.rows.length === 0 ? (
            <Text c="dimmed" size="sm" p="sm">
              Nothing in this period.
            </Text>
          ) : (
            // Native scrolling on a focusable region, so that a wide table scrolls from the keyboard too.
            <Table.ScrollContainer
              type="native"
              minWidth={Math.max(400, table.columns.length * 110)}
              tabIndex={0}
              role="region"
              aria-label={`${table.title}, scrollable`}
            >
              <Table striped verticalSpacing="xs" fz="sm" data-testid={`report-table-${table.key}`}>
                <Table.Thead>
                  <Table.Tr>
                    {table.columns.map((column) => (
                      <Table.Th key={column.key} ta={column.numeric ? 'right' : undefined}>
                        {column.label}
                      </Table.Th>
                    ))}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {table.rows.map((row, index) => (
                    <Table.Tr key={index}>
                      {table.columns.map((column) => (
                        <Table.Td key={column.key} ta={column.numeric ? 'right' : undefined}>
                          {formatCell(column.key, row[column.key])}
                        </Table.Td>
                      ))}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Paper>
      ))}
    </Stack>
  );
}
