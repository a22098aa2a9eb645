import { secretRedactor } from '../logging/secret-redactor';
import { BrokerError } from './broker-error';

/**
 * Typed failures of a provider call. Adapters throw these; like every
 * BrokerError each class says its HTTP answer and whether it is `transient`
 * (job processors and retry policies read that flag to choose between retry
 * and fail-fast). The message is stripped of every credential the broker
 * knows as the error is built: a provider that echoes a request in its error
 * body (a Keystone answering 401 with the password it was sent) cannot put it
 * in a job error, a connection's lastError, a log line or the queue's
 * failedReason.
 */
export abstract class ProviderError extends BrokerError {
  abstract override readonly code: string;
  constructor(
    readonly provider: string,
    message: string,
    readonly upstreamStatus?: number,
  ) {
    super(secretRedactor.redact(message));
  }

  override get problemMembers(): Record<string, unknown> {
    return { provider: this.provider, code: this.code };
  }
}

/** The provider could not be reached or answered 5xx/429 after every retry. */
export class ProviderUnavailableError extends ProviderError {
  readonly code = 'provider_unavailable';
  readonly transient = true;
  readonly status = 503;
  readonly slug = 'provider-unavailable';
  readonly title = 'Provider unavailable';
}

/** Credentials refused (401/403 after re-authenticating). */
export class ProviderAuthError extends ProviderError {
  readonly code = 'provider_auth_failed';
  readonly transient = false;
  readonly status = 502;
  readonly slug = 'provider-auth-failed';
  readonly title = 'Provider refused our credentials';
}

/** The provider says the thing does not exist. */
export class ProviderNotFoundError extends ProviderError {
  readonly code = 'provider_not_found';
  readonly transient = false;
  readonly status = 404;
  readonly slug = 'provider-not-found';
  readonly title = 'Not found at the provider';
}

/** The provider refused the request as invalid or conflicting (4xx other than auth/404): 409 for a conflict, else 422. */
export class ProviderRejectedError extends ProviderError {
  readonly code = 'provider_rejected';
  readonly transient = false;
  readonly status = this.upstreamStatus === 409 ? 409 : 422;
  readonly slug = 'provider-rejected';
  readonly title = 'Provider refused the request';
}

/** The provider answered something the adapter cannot read. */
export class ProviderProtocolError extends ProviderError {
  readonly code = 'provider_protocol_error';
  readonly transient = false;
  readonly status = 502;
  readonly slug = 'provider-protocol-error';
  readonly title = 'Provider answered something unreadable';
}

/** The adapter has no such operation: 501. */
export class OperationNotSupportedError extends ProviderError {
  readonly code = 'operation_not_supported';
  readonly transient = false;
  readonly status = 501;
  readonly slug = 'operation-not-supported';
  readonly title = 'Operation not supported by this provider';
  constructor(
    provider: string,
    readonly kind: string,
    readonly operation: string,
  ) {
    super(provider, `Provider '${provider}' (${kind}) does not support the '${operation}' operation`);
  }

  override get problemMembers(): Record<string, unknown> {
    return { ...super.problemMembers, operation: this.operation };
  }
}

/**
 * The provider holds other bytes than the broker sent (checksum or size differs): never retried as is.
 * Answered as the provider-unavailable problem, as it always was; its `code` tells it apart.
 */
export class IntegrityError extends ProviderError {
  readonly code = 'checksum_mismatch';
  readonly transient = false;
  readonly status = 503;
  readonly slug = 'provider-unavailable';
  readonly title = 'Provider unavailable';
}

/** The connection's stored credentials cannot be decrypted (SECRETS_KEY changed): no call is made, none is retried. */
export class CredentialsUnreadableError extends ProviderError {
  readonly code = 'credentials_unreadable';
  readonly transient = false;
  readonly status = 503;
  readonly slug = 'provider-unavailable';
  readonly title = 'Provider unavailable';
}
