/** One field a problem names (the broker's `errors[]`). */
export interface FieldProblem {
  field: string;
  message: string;
}

/** An application/problem+json body (RFC 9457) as the broker sends it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldProblem[];
}

/**
 * Every failure the SDK reports: the broker's problem when it sent one, or a
 * synthesized one for a transport failure (status 0). `retryAfterMs` is what
 * a 429 or 503 asked for.
 */
export class ImageBrokerError extends Error {
  override readonly name = 'ImageBrokerError';

  constructor(
    readonly problem: Problem,
    readonly retryAfterMs: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(problem.detail ? `${problem.title}: ${problem.detail}` : problem.title, options);
  }

  get status(): number {
    return this.problem.status;
  }

  get fields(): FieldProblem[] {
    return this.problem.errors ?? [];
  }

  /** The broker's problem of a failed answer, or one made from its status line when the body is not a problem. */
  static async fromResponse(response: Response): Promise<ImageBrokerError> {
    const text = await response.text().catch(() => '');
    return ImageBrokerError.fromText(response.status, text, response.headers.get('retry-after'), response.statusText);
  }

  /** The problem a failed answer's body holds, or one made from its status when the body is not a problem. */
  static fromText(status: number, text: string, retryAfter?: string | null, statusText = ''): ImageBrokerError {
    let problem: Problem | null = null;
    try {
      const parsed = JSON.parse(text) as Partial<Problem>;
      if (parsed && typeof parsed === 'object' && typeof parsed.title === 'string') {
        problem = {
          type: parsed.type ?? 'about:blank',
          title: parsed.title,
          status: typeof parsed.status === 'number' ? parsed.status : status,
          detail: parsed.detail ?? '',
          instance: parsed.instance,
          errors: Array.isArray(parsed.errors) ? parsed.errors : undefined,
        };
      }
    } catch {
      // Not JSON: a proxy or a load balancer answered; the status line is all there is.
    }
    problem ??= { type: 'about:blank', title: statusText || `HTTP ${status}`, status, detail: text.slice(0, 500) };
    return new ImageBrokerError(problem, parseRetryAfter(retryAfter));
  }

  static fromTransport(target: string, cause: unknown): ImageBrokerError {
    const reason =
      cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause);
    return new ImageBrokerError(
      { type: 'about:blank', title: 'Broker unreachable', status: 0, detail: `${target}: ${reason}` },
      null,
      { cause },
    );
  }
}

/**
 * Milliseconds a `Retry-After` header asks for (RFC 9110 §10.2.3: delta
 * seconds or an HTTP-date), or null when absent or unreadable. The same rule
 * as the broker's (src/platform/outbound-http/retry-policy.ts), which the SDK
 * may not import.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | null {
  if (value == null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Every HTTP-date form opens with a day name; V8's lenient Date.parse would read "-5" as a year.
  if (!/^[A-Za-z]{3}/.test(trimmed)) return null;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
