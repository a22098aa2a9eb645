import type { ApiPropertyOptions } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';
import type { ProviderKindDefinition } from '../port/provider-kind';
import { ConnectionBaseDto, type DocNoteContext } from './provider-connection.dto';

/** One class-validator rule on one property, as class-validator keeps it. */
type ValidationMetadata = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];

/**
 * How openapi.json documents each field that only some kinds have, read off
 * their connection classes: one entry per field, in the order the kinds (then
 * their fields) come. The description names the kinds that have the field; the
 * schema shows the allowed values and the length and size caps of the first of
 * them, not every rule: the kind's class still judges each request.
 */
export function kindFieldDocs(kinds: readonly ProviderKindDefinition[]): Array<[string, ApiPropertyOptions]> {
  const shared = new Set(rulesOf(ConnectionBaseDto).map((rule) => rule.propertyName));
  const fields = new Map<string, { kinds: string[]; rules: ValidationMetadata[] }>();
  for (const definition of kinds) {
    for (const rule of rulesOf(definition.connection)) {
      if (shared.has(rule.propertyName)) continue;
      let field = fields.get(rule.propertyName);
      if (!field) fields.set(rule.propertyName, (field = { kinds: [definition.kind], rules: [] }));
      if (!field.kinds.includes(definition.kind)) field.kinds.push(definition.kind);
      if (field.kinds[0] === definition.kind) field.rules.push(rule);
    }
  }
  return [...fields].map(([name, field]) => [name, documented(field.kinds, field.rules)]);
}

function documented(kinds: readonly string[], rules: readonly ValidationMetadata[]): ApiPropertyOptions {
  const rule = (name: string, each = false) => rules.find((r) => r.name === name && Boolean(r.each) === each);
  const note = rules.map((r) => (r.context as DocNoteContext | undefined)?.docNote).find(Boolean);
  const description = `${kinds.join(', ')}${note ? `: ${note}` : ''}`;
  const allowed = rule('isIn')?.constraints[0] as unknown[] | undefined;
  if (allowed) return { enum: allowed, description };
  if (rule('isArray')) {
    const itemCap = rule('maxLength', true)?.constraints[0] as number | undefined;
    return {
      type: 'array',
      items: {
        type: rule('isString', true) ? 'string' : 'object',
        ...(itemCap === undefined ? {} : { maxLength: itemCap }),
      },
      ...optional('maxItems', rule('arrayMaxSize')?.constraints[0] as number | undefined),
      description,
    };
  }
  return {
    type: String,
    ...optional('maxLength', rule('maxLength')?.constraints[0] as number | undefined),
    description,
  };
}

function optional<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}

function rulesOf(connection: ProviderKindDefinition['connection']): ValidationMetadata[] {
  return getMetadataStorage().getTargetValidationMetadatas(connection, '', true, false);
}
