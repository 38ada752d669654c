import { describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../../../src/modules/users/permissions';
import { isActive, NAVIGATION, visibleNavigation } from './navigation';

const labels = (permissions: string[]): string[] =>
  visibleNavigation(new Set(permissions)).flatMap((section) => section.items.map((item) => item.label));

describe('the navigation', () => {
  it('shows each role only the screens its permissions open', () => {
    expect(labels(['dashboard:read', 'patients:read'])).toEqual(['Dashboard', 'Patients']);
    expect(labels(['dashboard:read', 'audit:read'])).toEqual(['Dashboard', 'Audit log']);
    expect(labels([])).toEqual([]);
  });

  it('leaves out a section with nothing the role may use', () => {
    const sections = visibleNavigation(new Set(['dashboard:read']));
    expect(sections.map((section) => section.title)).toEqual([undefined]);
  });

  it('names a permission the server checks for every item', () => {
    for (const item of NAVIGATION.flatMap((section) => section.items)) {
      expect(PERMISSIONS as readonly string[]).toContain(item.permission);
    }
  });

  it('marks a screen active on its own pages only', () => {
    expect(isActive({ to: '/patients' }, '/patients/123/history')).toBe(true);
    expect(isActive({ to: '/patients' }, '/patients-archive')).toBe(false);
    expect(isActive({ to: '/' }, '/patients')).toBe(false);
    expect(isActive({ to: '/' }, '/')).toBe(true);
  });
});
