import pino, { type Logger } from 'pino';
import { REDACTED_LOG_PATHS } from './log-redaction';
import { secretRedactor } from './secret-redactor';

/**
 * The process's one pino logger: JSON lines on stdout, secrets redacted. Built
 * before Nest so start-up and migration lines are JSON too; the HTTP request
 * logger and Nest's Logger write through it. Every line is written only after
 * the known credentials of every connection are taken out of it, whatever
 * field (message, error stack, bound object) carried them.
 */
export function createRootLogger(options: { level: string; role: string }): Logger {
  return pino({
    level: options.level,
    base: { service: 'image-broker', role: options.role, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_LOG_PATHS, censor: '[REDACTED]' },
    formatters: { level: (label) => ({ level: label }) },
    hooks: { streamWrite: (line) => secretRedactor.redact(line) },
  });
}
