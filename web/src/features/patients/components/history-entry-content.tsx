import { Badge, Code, Group, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { humanise } from '@/lib/format';
import type { HistoryType, Severity, Vitals } from '../api/history';

const SEVERITY_COLORS: Readonly<Record<Severity, string>> = {
  mild: 'gray',
  moderate: 'yellow',
  severe: 'orange',
  life_threatening: 'red',
};

/** Vital signs in the order clinicians read them: `BP 120/80 mmHg · pulse 72 bpm`. */
export function describeVitals(vitals: Vitals): string {
  const parts: string[] = [];
  if (vitals.systolicMmHg !== undefined && vitals.diastolicMmHg !== undefined) {
    parts.push(`BP ${vitals.systolicMmHg}/${vitals.diastolicMmHg} mmHg`);
  }
  if (vitals.pulseBpm !== undefined) parts.push(`pulse ${vitals.pulseBpm} bpm`);
  if (vitals.temperatureCelsius !== undefined) parts.push(`temperature ${vitals.temperatureCelsius} °C`);
  if (vitals.respiratoryRatePerMin !== undefined)
    parts.push(`respiration ${vitals.respiratoryRatePerMin}/min`);
  if (vitals.oxygenSaturationPercent !== undefined) parts.push(`SpO₂ ${vitals.oxygenSaturationPercent}%`);
  return parts.join(' · ');
}

/** What an entry (or one version of it) says. */
export function EntryContent({
  type,
  content,
}: {
  type: HistoryType;
  content: {
    text: string | null;
    icd10Code: string | null;
    severity: Severity | null;
    vitals: Vitals | null;
  };
}): ReactNode {
  return (
    <>
      {type === 'diagnosis' && content.icd10Code ? (
        <Group gap={6} mb={2}>
          <Code>{content.icd10Code}</Code>
        </Group>
      ) : null}
      {type === 'allergy' && content.severity ? (
        <Badge size="sm" color={SEVERITY_COLORS[content.severity]} variant="light" mb={2}>
          {humanise(content.severity)}
        </Badge>
      ) : null}
      {content.vitals ? <Text size="sm">{describeVitals(content.vitals)}</Text> : null}
      {content.text ? (
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
          {content.text}
        </Text>
      ) : null}
    </>
  );
}
