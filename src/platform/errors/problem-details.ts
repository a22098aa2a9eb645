import type { FieldProblem } from '../config/validation-messages';

/** RFC 9457 problem details, as every error of the API is answered. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldProblem[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Problem types are documented in docs/errors.md under these URIs. */
export function problemType(slug: string): string {
  return `https://image-broker.dev/problems/${slug}`;
}
