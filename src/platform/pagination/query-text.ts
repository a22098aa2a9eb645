import { applyDecorators } from '@nestjs/common';
import { IsString, MaxLength, ValidateBy } from 'class-validator';

/** The longest value a text filter takes: longer than any name, tag or label the catalogue stores. */
export const MAX_QUERY_TEXT_LENGTH = 255;

/** Provider connection names are [a-z0-9-], 1-63 characters (see config/provider-connection.dto.ts). */
export const PROVIDER_NAME_MAX_LENGTH = 63;

/**
 * A text filter of a list query: one string (a repeated parameter is an array,
 * refused), at most `maxLength` characters, without NUL. PostgreSQL text cannot
 * hold U+0000, so a filter carrying one failed in the database (a 500); no
 * stored value can contain it, so it is refused by name instead.
 */
export function IsQueryText(maxLength: number = MAX_QUERY_TEXT_LENGTH): PropertyDecorator {
  return applyDecorators(
    IsString(),
    MaxLength(maxLength),
    ValidateBy({
      name: 'hasNoNul',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || !value.includes('\u0000'),
        defaultMessage: (args) => `${args?.property ?? 'value'} must not contain NUL (U+0000)`,
      },
    }),
  );
}
