import { parseArgs } from 'node:util';
import type { AppConfig } from '../../config/load.js';
import { generatePassword } from '../../modules/users/index.js';
import { isRole, ROLES, type Role } from '../../shared/request-context.js';
import { withServices } from '../context.js';
import { EXIT_OK, table, UsageError, type Output } from '../io.js';

const USAGE = `Usage:
  medisys users create USERNAME --role ROLE [--password-file FILE] [--display-name NAME]
  medisys users list [--role ROLE] [--format table|json]
  medisys users lock USERNAME
  medisys users unlock USERNAME
  medisys users reset-password USERNAME
  medisys users reset-mfa USERNAME      turn multi-factor sign-in off (lost phone); their sessions end
  medisys users set-role USERNAME ROLE
Roles: ${ROLES.join(', ')}.
Passwords (--password-file): 12-128 characters, not a common password, not containing the username.`;

function role(value: string | undefined): Role {
  if (!value || !isRole(value)) throw new UsageError(`Give a role: one of ${ROLES.join(', ')}.\n${USAGE}`);
  return value;
}

export async function usersCommand(
  args: string[],
  config: AppConfig,
  output: Output,
  readSecret: (file: string) => string,
): Promise<number> {
  const [action, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    strict: true,
    options: {
      role: { type: 'string' },
      'password-file': { type: 'string' },
      'display-name': { type: 'string' },
      format: { type: 'string', default: 'table' },
    },
  });
  const username = positionals[0];
  const needUsername = (): string => {
    if (!username) throw new UsageError(`Give the username.\n${USAGE}`);
    return username;
  };
  switch (action) {
    case 'create': {
      const name = needUsername();
      const chosenRole = role(values.role);
      const given = values['password-file'] ? readSecret(values['password-file']) : undefined;
      const password = given ?? generatePassword();
      return withServices(config, async ({ services, context }) => {
        const user = await services.users.create(
          {
            username: name,
            password,
            role: chosenRole,
            displayName: values['display-name'],
            mustChangePassword: given === undefined,
          },
          context,
        );
        output.out(`Created ${user.username} (${user.role}).`);
        if (given === undefined)
          output.out(`Temporary password (must be changed at first sign-in): ${password}`);
        return EXIT_OK;
      });
    }
    case 'list': {
      const roleFilter = values.role ? role(values.role) : undefined;
      return withServices(config, async ({ services }) => {
        const { users } = await services.users.list({ role: roleFilter, limit: 100_000, offset: 0 });
        if (values.format === 'json') output.out(JSON.stringify(users, null, 2));
        else {
          const rows = users as unknown as Record<string, unknown>[];
          output.out(
            table(rows, ['username', 'role', 'active', 'locked', 'mfaEnabled', 'lastLogin', 'createdDate']),
          );
        }
        return EXIT_OK;
      });
    }
    case 'reset-mfa': {
      const name = needUsername();
      return withServices(config, async ({ services, context }) => {
        const user = await services.users.findByUsername(name);
        await services.mfa.resetByAdministrator(user.id, context);
        output.out(
          `Multi-factor sign-in of ${user.username} is off and their sessions have ended.` +
            (services.mfa.requiredFor(user.role)
              ? ` Their role requires it: they must enrol again at their next sign-in.`
              : ''),
        );
        return EXIT_OK;
      });
    }
    case 'lock':
    case 'unlock':
    case 'reset-password':
    case 'set-role': {
      const name = needUsername();
      const newRole = action === 'set-role' ? role(positionals[1]) : undefined;
      return withServices(config, async ({ services, context }) => {
        const user = await services.users.findByUsername(name);
        if (action === 'lock') await services.users.lock(user.id, context);
        if (action === 'unlock') await services.users.unlock(user.id, context);
        if (newRole) await services.users.setRole(user.id, newRole, context);
        if (action === 'reset-password') {
          const temporary = await services.users.resetPassword(user.id, context);
          output.out(
            `Temporary password for ${user.username} (must be changed at next sign-in): ${temporary}`,
          );
        } else if (newRole) {
          output.out(`Role of ${user.username} is now ${newRole}.`);
        } else {
          output.out(`${user.username} is ${action}ed.`);
        }
        return EXIT_OK;
      });
    }
    case undefined:
    default:
      throw new UsageError(action ? `Unknown users command "${action}".\n${USAGE}` : USAGE);
  }
}
