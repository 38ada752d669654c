import type { CSSProperties, ReactNode } from 'react';
import classes from './detail-list.module.css';

/** A record's fields as label and value, in as many columns as fit. */
export function DetailList({
  rows,
  columnWidth,
}: {
  rows: readonly (readonly [label: string, value: ReactNode])[];
  /** The narrowest a column may be (a CSS length); 14rem unless given. */
  columnWidth?: string;
}): ReactNode {
  const style = columnWidth ? ({ '--detail-list-column-width': columnWidth } as CSSProperties) : undefined;
  return (
    <dl className={classes.details} style={style}>
      {rows.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
