import { useLayoutEffect, useState } from 'react';
import { useLocation, useSearchParams } from 'react-router';

/**
 * The address queries a page has asked for and the router has not rendered yet.
 *
 * The router renders a changed address in a transition, which React may put off while the browser is
 * busy; an input event in the meantime runs the handlers of the last render, whose query is already
 * out of date. A change built on that query would drop the one before it: choosing a doctor and then
 * typing a date lost the doctor. So each change builds on the last query asked for.
 */
export class PendingQueries {
  private readonly asked: string[] = [];

  /** The query a change should build on: the last one asked for, or else the rendered one. */
  base(rendered: URLSearchParams): URLSearchParams {
    const last = this.asked.at(-1);
    return new URLSearchParams(last ?? rendered);
  }

  ask(query: URLSearchParams): void {
    this.asked.push(query.toString());
  }

  /**
   * A navigation to `rendered`: the queries asked for up to its last ask have arrived (each ask holds
   * all before it, so asks the router skipped are in it). One never asked for (back, a link) replaces
   * them all.
   */
  rendered(rendered: URLSearchParams): void {
    const index = this.asked.lastIndexOf(rendered.toString());
    this.asked.splice(0, index === -1 ? this.asked.length : index + 1);
  }
}

/**
 * The page's address query and a change to it that builds on every change asked for before, even
 * those the router has not rendered yet. Changes replace the history entry (a filter is not a page).
 */
export function useAddressQuery(): [
  URLSearchParams,
  (change: (latest: URLSearchParams) => URLSearchParams) => void,
] {
  const [searchParams, setSearchParams] = useSearchParams();
  // Every navigation has a key of its own, also one to the query already shown.
  const { key } = useLocation();
  const [queries] = useState(() => new PendingQueries());
  useLayoutEffect(() => queries.rendered(searchParams), [queries, key, searchParams]);
  return [
    searchParams,
    (change) => {
      const next = change(queries.base(searchParams));
      queries.ask(next);
      setSearchParams(next, { replace: true });
    },
  ];
}
