import { Type, type Static, type TObject } from 'typebox';

const Day = (description: string) => Type.String({ format: 'date', description });

export const ReportQuery = Type.Object(
  {
    from: Type.Optional(Day('First day, YYYY-MM-DD in hospital.timezone (default: first of this month)')),
    to: Type.Optional(Day('Last day, included (default: today)')),
    departmentId: Type.Optional(
      Type.String({ format: 'uuid', description: 'One department (a department head must name theirs)' }),
    ),
    format: Type.Optional(
      Type.Union([Type.Literal('json'), Type.Literal('csv'), Type.Literal('pdf')], { default: 'json' }),
    ),
    detail: Type.Optional(
      Type.Union([Type.Literal('summary'), Type.Literal('rows')], {
        default: 'summary',
        description: 'rows: one CSV line per record (patients report, format=csv), streamed',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ReportQuery = Static<typeof ReportQuery>;

const NullableText = Type.Union([Type.String(), Type.Null()]);

export const ReportFiltersSchema = Type.Object({
  from: Type.String({ format: 'date' }),
  to: Type.String({ format: 'date' }),
  timeZone: Type.String(),
  departmentId: NullableText,
  departmentName: NullableText,
  doctorId: Type.Union([Type.String(), Type.Null()], {
    description: "Set when the report is narrowed to the caller's own doctor record",
  }),
  doctorName: NullableText,
});

/** A report's JSON: what it is, its filters, who generated it when, then its figures. */
export function reportResponse(figures: TObject): TObject {
  return Type.Object({
    report: Type.String(),
    title: Type.String(),
    filters: ReportFiltersSchema,
    generatedAt: Type.String({ format: 'date-time' }),
    generatedBy: Type.String({ description: 'Username' }),
    ...figures.properties,
  });
}
