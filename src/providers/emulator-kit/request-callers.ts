import type { FastifyRequest } from 'fastify';

/**
 * Who an emulator's auth hook let through, kept per request for the routes
 * behind it. Weakly held, so a finished request takes its caller with it.
 */
export class RequestCallers<T> {
  private readonly callers = new WeakMap<FastifyRequest, T>();

  /** `accessor` names the function routes call, for the error when a route is not behind the hook. */
  constructor(private readonly accessor: string) {}

  set(request: FastifyRequest, caller: T): void {
    this.callers.set(request, caller);
  }

  get(request: FastifyRequest): T {
    const caller = this.callers.get(request);
    if (caller === undefined) throw new Error(`${this.accessor}() used on a request that did not go through auth`);
    return caller;
  }
}
