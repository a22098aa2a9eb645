import { registerDecorator, type ValidationArguments } from 'class-validator';

/**
 * What a request body may hold, from what the providers and the catalogue's
 * columns can store (README, "Input limits"). OpenStack Glance, the strictest
 * of the five clouds, sets most of them: image names, tags, property keys and
 * member ids are VARCHAR(255) there, property values TEXT (65,535 bytes), and
 * its default image_tag_quota and image_property_quota are 128. Integer
 * columns (min_disk_gib, min_ram_mib: PostgreSQL INTEGER; Glance's min_disk,
 * min_ram: INTEGER too) end at 2^31 - 1; size_bytes is a BIGINT, but a JSON
 * number is exact only up to 2^53 - 1.
 */
export const FIELD_LIMITS = {
  /** A provider connection's name: [a-z0-9-], 1-63 characters (ConnectionBaseDto). */
  providerName: 63,
  region: 255,
  imageName: 255,
  tag: 255,
  tags: 128,
  propertyKey: 255,
  propertyValue: 65_535,
  properties: 128,
  memberId: 255,
  /** PostgreSQL INTEGER. */
  int32: 2_147_483_647,
  /** The largest integer a JSON number carries exactly. */
  safeInteger: Number.MAX_SAFE_INTEGER,
} as const;

/** The OpenAPI schema of a free-form property map, with the limits of IsPropertyMap. */
export function propertyMapSchema(options: { nullable: boolean }): Record<string, unknown> {
  return {
    type: 'object',
    maxProperties: FIELD_LIMITS.properties,
    additionalProperties: { type: 'string', maxLength: FIELD_LIMITS.propertyValue, nullable: options.nullable },
    description:
      `At most ${FIELD_LIMITS.properties} properties; keys 1-${FIELD_LIMITS.propertyKey} characters, ` +
      `values strings of at most ${FIELD_LIMITS.propertyValue} characters` +
      (options.nullable ? '; a null value removes that property' : ''),
  };
}

/**
 * A flat map of string properties a provider can hold: an object of at most
 * FIELD_LIMITS.properties entries, each key 1-propertyKey characters, each
 * value a string of at most propertyValue characters (or null when
 * `allowNull`, for a merge patch). The message names the first offending key.
 * class-validator has no map-of-strings rule; this one is a single pass.
 */
export function IsPropertyMap(options: { allowNull: boolean }): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isPropertyMap',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => propertyMapProblem(value, options.allowNull) === null,
        defaultMessage: (args?: ValidationArguments) => {
          const problem = propertyMapProblem(args?.value, options.allowNull) ?? 'is not valid';
          return `${args?.property ?? 'properties'}${problem.startsWith('.') ? '' : ' '}${problem}`;
        },
      },
    });
}

/** Why `value` is not a property map, or null. */
export function propertyMapProblem(value: unknown, allowNull: boolean): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'must be an object';
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > FIELD_LIMITS.properties) {
    return `must not have more than ${FIELD_LIMITS.properties} properties`;
  }
  for (const [key, entry] of entries) {
    if (key.length === 0 || key.length > FIELD_LIMITS.propertyKey) {
      return `must have keys of 1-${FIELD_LIMITS.propertyKey} characters (${shown(key)} has ${key.length})`;
    }
    if (entry === null && allowNull) continue;
    if (typeof entry !== 'string') {
      return `.${shown(key)} must be a string${allowNull ? ' or null' : ''}`;
    }
    if (entry.length > FIELD_LIMITS.propertyValue) {
      return `.${shown(key)} must be at most ${FIELD_LIMITS.propertyValue} characters`;
    }
  }
  return null;
}

function shown(key: string): string {
  return JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key);
}
