/** The roles of CONTRACT §3. */
export const ROLES = ['admin', 'doctor', 'finance', 'department_head', 'staff'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** The signed-in user on whose behalf a service acts. */
export interface Actor {
  readonly userId: string;
  readonly username: string;
  readonly role: Role;
}

/** Who is acting, from where, in which request: what every audit record and security line carries. */
export interface RequestContext {
  readonly actor: Actor | undefined;
  readonly clientAddress: string;
  readonly requestId: string;
}

/** The context of work started from the `medisys` command rather than a request. */
export function commandLineContext(operator: string): RequestContext {
  return {
    actor: undefined,
    clientAddress: 'cli',
    requestId: `cli-${operator}-${Date.now().toString(36)}`,
  };
}
