import type { FastifyRequest } from 'fastify';
import { RequestCallers } from './request-callers';

describe('RequestCallers', () => {
  const request = () => ({}) as FastifyRequest;

  it('answers the caller recorded for that very request', () => {
    const callers = new RequestCallers<string>('callerProject');
    const first = request();
    const second = request();
    callers.set(first, 'project-a');
    callers.set(second, 'project-b');

    expect(callers.get(first)).toBe('project-a');
    expect(callers.get(second)).toBe('project-b');
  });

  it('throws, naming the accessor, for a request that did not go through auth', () => {
    const callers = new RequestCallers<string>('callerProject');

    expect(() => callers.get(request())).toThrow('callerProject() used on a request that did not go through auth');
  });
});
