import { Type, type Static } from 'typebox';
import { PageQuery } from '../../shared/pagination.js';

const Text = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, ...(description ? { description } : {}) });
const OptionalText = (maxLength: number, description?: string) =>
  Type.Optional(Type.Union([Text(maxLength, description), Type.Null()]));
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

const PHONE = {
  pattern: '^[+0-9 ()./-]{3,40}$',
  maxLength: 40,
  description: 'Digits, spaces and + ( ) . / -',
};

export const DepartmentCode = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$',
  description: 'Short unique code, such as CARD; stored upper-case',
});

const editableFields = {
  code: DepartmentCode,
  name: Text(200, 'Department name'),
  headDoctorId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
  location: OptionalText(200, 'Building or wing'),
  floor: OptionalText(50),
  phone: Type.Optional(Type.Union([Type.String(PHONE), Type.Null()])),
  email: Type.Optional(Type.Union([Type.String({ format: 'email', maxLength: 254 }), Type.Null()])),
  operatingHours: OptionalText(500, 'Opening hours as shown to staff, such as "Mon-Fri 08:00-18:00"'),
};

export const CreateDepartmentBody = Type.Object(editableFields, { additionalProperties: false });

export const UpdateDepartmentBody = Type.Object(
  {
    code: Type.Optional(editableFields.code),
    name: Type.Optional(editableFields.name),
    headDoctorId: editableFields.headDoctorId,
    location: editableFields.location,
    floor: editableFields.floor,
    phone: editableFields.phone,
    email: editableFields.email,
    operatingHours: editableFields.operatingHours,
  },
  { additionalProperties: false, minProperties: 1 },
);

export const DepartmentSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  code: Type.String(),
  name: Type.String(),
  headDoctorId: Nullable(Type.String({ format: 'uuid' })),
  location: Nullable(Type.String()),
  floor: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  email: Nullable(Type.String()),
  operatingHours: Nullable(Type.String()),
  archived: Type.Boolean(),
  version: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const DepartmentSearchQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Part of the name, or the exact code' })),
    includeArchived: Type.Optional(Type.Boolean({ default: false })),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const DepartmentList = Type.Object({
  items: Type.Array(DepartmentSchema),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

export const DepartmentIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const AssignStaffBody = Type.Object(
  {
    userId: Type.Optional(Type.String({ format: 'uuid', description: 'A user account; or send doctorId' })),
    doctorId: Type.Optional(Type.String({ format: 'uuid', description: 'A doctor; or send userId' })),
    position: Text(100, 'Role in the department, such as "charge nurse"'),
  },
  { additionalProperties: false },
);

export const StaffMemberSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  departmentId: Type.String({ format: 'uuid' }),
  userId: Nullable(Type.String({ format: 'uuid' })),
  doctorId: Nullable(Type.String({ format: 'uuid' })),
  displayName: Type.String({ description: 'The username or the doctor name' }),
  position: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});

export const StaffList = Type.Object({ items: Type.Array(StaffMemberSchema) });

export const StaffMemberParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  assignmentId: Type.String({ format: 'uuid' }),
});

export const StaffMemberQuery = Type.Object(
  {
    userId: Type.Optional(Type.String({ format: 'uuid' })),
    doctorId: Type.Optional(Type.String({ format: 'uuid' })),
  },
  { additionalProperties: false },
);

export type CreateDepartmentInput = Static<typeof CreateDepartmentBody>;
export type UpdateDepartmentInput = Static<typeof UpdateDepartmentBody>;
export type DepartmentSearch = Static<typeof DepartmentSearchQuery>;
export type AssignStaffInput = Static<typeof AssignStaffBody>;
export type StaffMemberSelector = Static<typeof StaffMemberQuery>;
