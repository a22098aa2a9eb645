import { Injectable } from '@nestjs/common';
import { AppConfig } from '../platform/config/app-config';
import { BadRequestError, UnprocessableError } from '../platform/errors/app.errors';
import { PermanentJobError } from '../jobs/job-handler';
import { ImportUrlGuard, type ResolvedTarget } from '../uploads/import/import-url.guard';

/**
 * The address guard of imports, applied to webhook URLs: at registration (a
 * 422 naming `url`) and again before every delivery, since DNS may answer
 * otherwise by then; the sender connects to the address checked here.
 * IMPORT_ALLOWED_ADDRESSES is the one allowlist for both.
 */
@Injectable()
export class WebhookUrlCheck {
  private readonly guard: ImportUrlGuard;

  constructor(config: AppConfig) {
    this.guard = new ImportUrlGuard(config.importAllowedAddresses);
  }

  /** The address to connect to; throws the guard's refusal. */
  resolve(url: URL): Promise<ResolvedTarget> {
    return this.guard.resolve(url);
  }

  /** Refuses, as a client error naming `url`, a URL no webhook may have. */
  async refuseForbidden(url: string): Promise<void> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new BadRequestError('url is not a URL', [{ field: 'url', message: 'is not a URL' }]);
    }
    if (parsed.username || parsed.password) {
      throw new UnprocessableError('url must not carry credentials', [
        { field: 'url', message: 'must not carry credentials; the signature authenticates the broker' },
      ]);
    }
    try {
      await this.guard.resolve(parsed);
    } catch (error) {
      if (!(error instanceof PermanentJobError)) throw error;
      throw new UnprocessableError(`url: ${error.message}`, [{ field: 'url', message: error.message }]);
    }
  }
}
