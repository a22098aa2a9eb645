import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { scrubUrl, scrubUrlsInText } from '../logging/log-redaction';
import { PROBLEM_CONTENT_TYPE } from './problem-details';
import { toProblem } from './problem-mapper';

/** The one edge where every error, ours or a provider's or the framework's, becomes problem+json. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const problem = toProblem(error);
    if (problem.status >= 500) {
      this.logger.error(
        scrubUrlsInText(
          `${request.method} ${scrubUrl(request.url)} → ${problem.status}: ${(error as Error)?.stack ?? String(error)}`,
        ),
      );
    }
    if (problem.status === 401) reply.header('WWW-Authenticate', 'Bearer');
    void reply
      .status(problem.status)
      .header('Content-Type', PROBLEM_CONTENT_TYPE)
      // A URL in a message (an import source, say) may carry a token or signature: never echo it.
      .send(JSON.stringify({ ...problem, detail: scrubUrlsInText(problem.detail), instance: scrubUrl(request.url) }));
  }
}
