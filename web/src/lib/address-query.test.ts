import { describe, expect, it } from 'vitest';
import { PendingQueries } from './address-query';

const query = (text: string): URLSearchParams => new URLSearchParams(text);

/** Changes the way a page does: one field on top of what `base` gives. */
function change(queries: PendingQueries, rendered: string, name: string, value: string): string {
  const next = queries.base(query(rendered));
  next.set(name, value);
  queries.ask(next);
  return next.toString();
}

describe('address query changes the router has not rendered yet', () => {
  it('build on the last change asked for, so a date typed right after choosing a doctor keeps the doctor', () => {
    const queries = new PendingQueries();
    queries.rendered(query('view=day'));
    const withDoctor = change(queries, 'view=day', 'doctor', 'd1');
    // The handlers still see the render before the doctor was chosen.
    const withDate = change(queries, 'view=day', 'date', '2026-11-30');
    expect(withDoctor).toBe('view=day&doctor=d1');
    expect(withDate).toBe('view=day&doctor=d1&date=2026-11-30');
  });

  it('build on the rendered query once every change has arrived', () => {
    const queries = new PendingQueries();
    change(queries, '', 'doctor', 'd1');
    change(queries, '', 'date', '2026-11-30');
    queries.rendered(query('doctor=d1'));
    // One change still on its way: the next builds on it.
    expect(change(queries, 'doctor=d1', 'view', 'week')).toBe('doctor=d1&date=2026-11-30&view=week');
    queries.rendered(query('doctor=d1&date=2026-11-30&view=week'));
    expect(queries.base(query('doctor=d2')).toString()).toBe('doctor=d2');
  });

  it('take a render of a query asked for twice as the last of them, and a change back as arrived', () => {
    const queries = new PendingQueries();
    queries.rendered(query('view=day'));
    change(queries, 'view=day', 'view', 'week');
    change(queries, 'view=day', 'view', 'day');
    // The router went straight to the last: view=day, the query it showed before.
    queries.rendered(query('view=day'));
    expect(queries.base(query('view=day')).toString()).toBe('view=day');
    // A link to view=week later is not one of ours: nothing asked is left to build on instead.
    queries.rendered(query('view=week'));
    expect(change(queries, 'view=week', 'date', '2026-12-01')).toBe('view=week&date=2026-12-01');
  });

  it('forget what was asked when the address changes some other way (back, a link)', () => {
    const queries = new PendingQueries();
    change(queries, '', 'doctor', 'd1');
    queries.rendered(query('department=x'));
    expect(change(queries, 'department=x', 'date', '2026-12-01')).toBe('department=x&date=2026-12-01');
  });
});
