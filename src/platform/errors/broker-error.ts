/**
 * The one base of every error the broker throws on purpose. Each class says,
 * as data, how it is answered over HTTP (status, problem type, title) and
 * whether trying again later may succeed (`transient`). The problem+json
 * mapper and the job worker's retry decision read these fields, so a new
 * error class is one declaration, not a branch in two ladders.
 */
export abstract class BrokerError extends Error {
  /** The HTTP status the API answers with. A 500 never shows its message: the log holds it. */
  abstract readonly status: number;
  /** Last segment of the problem type URI (see problemType() and docs/errors.md). */
  abstract readonly slug: string;
  abstract readonly title: string;
  /** True when trying again later may succeed (a timeout, a 5xx or 429, a dropped connection). */
  abstract readonly transient: boolean;
  /** The machine-readable code a job row keeps (`error.code`); absent: `internal_error`. */
  declare readonly code?: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }

  /** Members a problem adds after type, title, status and detail (a provider's name, a field list). */
  get problemMembers(): Record<string, unknown> {
    return {};
  }
}

/**
 * Whether trying again later may succeed: the flag of a BrokerError; anything
 * the broker did not classify (a dropped database connection, a bug) counts
 * as transient, so a job retries it within its attempts and the log says why.
 */
export function isTransient(error: unknown): boolean {
  return error instanceof BrokerError ? error.transient : true;
}
