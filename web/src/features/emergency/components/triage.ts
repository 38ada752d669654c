/**
 * Triage levels of the Emergency Severity Index, with the longest wait before a doctor sees the
 * patient that the board still shows as acceptable. The targets follow the usual five-level scales
 * (immediate, 10 minutes, 1 hour, 2 hours, 4 hours); a hospital with other targets changes them here.
 */
export const TRIAGE_LEVELS: readonly {
  readonly level: number;
  readonly label: string;
  readonly color: string;
  readonly targetMinutes: number;
}[] = [
  { level: 1, label: 'Resuscitation', color: 'red', targetMinutes: 0 },
  { level: 2, label: 'Emergent', color: 'orange', targetMinutes: 10 },
  { level: 3, label: 'Urgent', color: 'yellow', targetMinutes: 60 },
  { level: 4, label: 'Less urgent', color: 'green', targetMinutes: 120 },
  { level: 5, label: 'Non-urgent', color: 'blue', targetMinutes: 240 },
];

export function triageLevel(level: number): (typeof TRIAGE_LEVELS)[number] {
  return TRIAGE_LEVELS.find((candidate) => candidate.level === level) ?? TRIAGE_LEVELS[2]!;
}

/**
 * Minutes the patient has waited at `nowMs`: the server's count at `generatedAt` plus the time since,
 * so that a workstation's wrong clock does not change the count and a paused refresh still moves it.
 */
export function waitingMinutes(minutesSinceArrival: number, generatedAt: string, nowMs: number): number {
  const generatedMs = Date.parse(generatedAt);
  const since = Number.isNaN(generatedMs) ? 0 : Math.max(0, Math.floor((nowMs - generatedMs) / 60_000));
  return Math.max(0, minutesSinceArrival) + since;
}

/** A wait for the board: `Just arrived`, `45 min`, `2 h 05 min`, `1 d 3 h`. */
export function formatWaiting(minutes: number): string {
  const whole = Math.max(0, Math.floor(minutes));
  if (whole < 1) return 'Just arrived';
  if (whole < 60) return `${whole} min`;
  const days = Math.floor(whole / (24 * 60));
  const hours = Math.floor((whole % (24 * 60)) / 60);
  if (days > 0) return `${days} d ${hours} h`;
  return `${hours} h ${String(whole % 60).padStart(2, '0')} min`;
}

/** Whether the wait exceeds the target of the triage level (level 1 patients are never left waiting). */
export function isOverTarget(level: number, minutes: number): boolean {
  return minutes > triageLevel(level).targetMinutes;
}

/** The patient as the board names them; an unidentified patient by what is known. */
export function describePatient(patient: {
  readonly name: string;
  readonly mrn: string;
  readonly unidentified: boolean;
}): string {
  return patient.unidentified ? `${patient.name} (unidentified)` : patient.name;
}
