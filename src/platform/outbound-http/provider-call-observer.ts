/** One attempt of a provider call, as the HTTP client saw it. */
export interface ProviderCall {
  provider: string;
  method: string;
  /** The URL's path only; never the query (markers, filters, presigned signatures). */
  path: string;
  /** The provider's status, when it answered. */
  status?: number;
  /** Set when the attempt failed: `network`, `timeout`, or `http_<status>` for an unexpected status. */
  error?: string;
  durationMs: number;
}

/** Told of every attempt the provider HTTP client makes (metrics). */
export interface ProviderCallObserver {
  observeProviderCall(call: ProviderCall): void;
}
