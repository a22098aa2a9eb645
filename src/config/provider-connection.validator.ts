import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CONNECTION_SHAPES } from './provider-connection.dto';
import type { ProviderConnectionConfig } from './provider-connection.types';
import { PROVIDER_KINDS } from './provider-connection.types';
import { flattenValidationErrors, type FieldProblem } from './validation-messages';

const VALIDATE = { whitelist: true, forbidNonWhitelisted: true } as const;

/**
 * Validates one connection object (from the providers file or an API body).
 * Returns the typed connection, or the list of field problems with dotted paths.
 */
export function validateProviderConnection(
  raw: unknown,
): { ok: true; value: ProviderConnectionConfig } | { ok: false; problems: FieldProblem[] } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, problems: [{ field: '', message: 'must be an object' }] };
  }
  const { auth, ...rest } = raw as Record<string, unknown>;
  const shape = CONNECTION_SHAPES[String(rest.kind)];
  if (!shape) {
    return { ok: false, problems: [{ field: 'kind', message: `kind must be one of ${PROVIDER_KINDS.join(', ')}` }] };
  }
  const problems = flattenValidationErrors(validateSync(plainToInstance(shape.connection, rest), VALIDATE));

  if (auth === null || typeof auth !== 'object' || Array.isArray(auth)) {
    problems.push({ field: 'auth', message: 'auth must be an object with a type' });
  } else {
    const type = String((auth as Record<string, unknown>).type);
    const authClass = shape.auth[type];
    if (!authClass) {
      problems.push({
        field: 'auth.type',
        message: `auth.type must be one of ${Object.keys(shape.auth).join(', ')} for kind ${String(rest.kind)}`,
      });
    } else {
      problems.push(...flattenValidationErrors(validateSync(plainToInstance(authClass, auth), VALIDATE), 'auth'));
      if (type === 'keystone') {
        const a = auth as Record<string, unknown>;
        if (!a.projectId && !a.projectName) {
          problems.push({ field: 'auth.projectId', message: 'keystone auth needs projectId or projectName' });
        }
      }
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: { ...(raw as object) } as ProviderConnectionConfig };
}
