import type { ValidationError } from 'class-validator';

export interface FieldProblem {
  field: string;
  message: string;
}

/** Flattens class-validator's nested errors into dotted field paths, for config and request bodies alike. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) {
      out.push({ field, message: rewordConstraint(message, error.property, field) });
    }
    if (error.children?.length) out.push(...flattenValidationErrors(error.children, field));
  }
  return out;
}

/** class-validator says "property x should not exist"; users understand "unknown field". */
function rewordConstraint(message: string, property: string, field: string): string {
  if (message === `property ${property} should not exist`) return `${field} is not a known field`;
  return message.startsWith(`${property} `) ? `${field}${message.slice(property.length)}` : message;
}
