import { secretRedactor } from '../logging/secret-redactor';

/**
 * Typed failures of a provider call. Adapters throw these; the problem+json
 * filter (src/errors) is the one place that turns them into HTTP, and job
 * processors use `transient` to decide between retry and fail-fast. The
 * message is stripped of every credential the broker knows as the error is
 * built: a provider that echoes a request in its error body (a Keystone
 * answering 401 with the password it was sent) cannot put it in a job error,
 * a connection's lastError, a log line or the queue's failedReason.
 */
export abstract class ProviderError extends Error {
  abstract readonly code: string;
  /** True when trying again later may succeed (timeouts, 5xx, 429, connection errors). */
  abstract readonly transient: boolean;
  constructor(
    readonly provider: string,
    message: string,
    readonly upstreamStatus?: number,
  ) {
    super(secretRedactor.redact(message));
    this.name = new.target.name;
  }
}

/** The provider could not be reached or answered 5xx/429 after every retry. */
export class ProviderUnavailableError extends ProviderError {
  readonly code = 'provider_unavailable';
  readonly transient = true;
}

/** Credentials refused (401/403 after re-authenticating). */
export class ProviderAuthError extends ProviderError {
  readonly code = 'provider_auth_failed';
  readonly transient = false;
}

/** The provider says the thing does not exist. */
export class ProviderNotFoundError extends ProviderError {
  readonly code = 'provider_not_found';
  readonly transient = false;
}

/** The provider refused the request as invalid or conflicting (4xx other than auth/404). */
export class ProviderRejectedError extends ProviderError {
  readonly code = 'provider_rejected';
  readonly transient = false;
}

/** The provider answered something the adapter cannot read. */
export class ProviderProtocolError extends ProviderError {
  readonly code = 'provider_protocol_error';
  readonly transient = false;
}

/** The adapter has no such operation: 501. */
export class OperationNotSupportedError extends ProviderError {
  readonly code = 'operation_not_supported';
  readonly transient = false;
  constructor(
    provider: string,
    readonly kind: string,
    readonly operation: string,
  ) {
    super(provider, `Provider '${provider}' (${kind}) does not support the '${operation}' operation`);
  }
}

/** The provider holds other bytes than the broker sent (checksum or size differs): never retried as is. */
export class IntegrityError extends ProviderError {
  readonly code = 'checksum_mismatch';
  readonly transient = false;
}

/** The connection's stored credentials cannot be decrypted (SECRETS_KEY changed): no call is made, none is retried. */
export class CredentialsUnreadableError extends ProviderError {
  readonly code = 'credentials_unreadable';
  readonly transient = false;
}
