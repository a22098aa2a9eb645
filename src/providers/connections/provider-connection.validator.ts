import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync } from 'class-validator';
import type { ProviderConnectionConfig } from './provider-connection.types';
import type { ProviderKindDefinition } from '../port/provider-kind';
import { flattenValidationErrors, type FieldProblem } from '../../platform/config/validation-messages';

const VALIDATE = { whitelist: true, forbidNonWhitelisted: true } as const;

/** Query parameter names that carry credentials (tokens, keys, signatures, passwords). */
const CREDENTIAL_QUERY_NAME = /sig|signature|token|key|credential|secret|password|auth|session/i;

/**
 * A credential in a URL leaks wherever the URL is shown (errors, logs, the
 * connection's settings), so URLs must not carry one: userinfo or a query
 * parameter named like a credential is refused, pointing to the auth block.
 */
function credentialInUrl(field: string, value: unknown): FieldProblem | null {
  if (typeof value !== 'string') return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.username !== '' || url.password !== '') {
    return {
      field,
      message: `${field} must not carry credentials (user:password@); put them in the auth block`,
    };
  }
  const named = [...url.searchParams.keys()].find((name) => CREDENTIAL_QUERY_NAME.test(name));
  if (named !== undefined) {
    return {
      field,
      message: `${field} must not carry credentials in its query string ('${named}'); put them in the auth block`,
    };
  }
  return null;
}

/**
 * Validates one connection object (from the providers file or an API body)
 * against the definition of its kind among `kinds`.
 * Returns the typed connection, or the list of field problems with dotted paths.
 */
export function validateProviderConnection(
  raw: unknown,
  kinds: readonly ProviderKindDefinition[],
): { ok: true; value: ProviderConnectionConfig } | { ok: false; problems: FieldProblem[] } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, problems: [{ field: '', message: 'must be an object' }] };
  }
  const { auth, ...rest } = raw as Record<string, unknown>;
  const shape = kinds.find((k) => k.kind === rest.kind);
  if (!shape) {
    const names = kinds.map((k) => k.kind).join(', ');
    return { ok: false, problems: [{ field: 'kind', message: `kind must be one of ${names}` }] };
  }
  const problems = flattenValidationErrors(validateSync(plainToInstance(shape.connection, rest), VALIDATE));
  const endpointProblem = credentialInUrl('endpoint', rest.endpoint);
  if (endpointProblem) problems.push(endpointProblem);

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
      const a = auth as Record<string, unknown>;
      for (const urlField of ['authUrl', 'tokenUrl']) {
        const urlProblem = credentialInUrl(`auth.${urlField}`, a[urlField]);
        if (urlProblem) problems.push(urlProblem);
      }
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

/**
 * The top-level fields of an API body that no kind among `kinds` has, each
 * refused as an unknown field, in the body's order. The admin API checks this
 * before it looks the connection up, so a body carrying a field no kind knows
 * is refused the same way, whatever the connection; the fields a kind does
 * have are then checked by that kind's own class (validateProviderConnection).
 *
 * @param options.name whether the body may carry `name` (a PATCH may not rename a connection)
 */
export function fieldsNoKindKnows(
  body: Readonly<Record<string, unknown>>,
  kinds: readonly ProviderKindDefinition[],
  options: { name: boolean },
): FieldProblem[] {
  const known = new Set(['auth', ...kinds.flatMap((k) => connectionFieldNames(k.connection))]);
  if (!options.name) known.delete('name');
  return Object.keys(body)
    .filter((field) => !known.has(field))
    .map((field) => ({ field, message: `${field} is not a known field` }));
}

/** The fields a kind's connection class validates (its own and those of ConnectionBaseDto). */
function connectionFieldNames(connection: ProviderKindDefinition['connection']): string[] {
  return getMetadataStorage()
    .getTargetValidationMetadatas(connection, '', true, false)
    .map((metadata) => metadata.propertyName);
}
