import { Module } from '@nestjs/common';
import { ApiKeyService } from './api-key.service';

/**
 * API keys. The global ApiKeyGuard is registered by AppModule, after the rate
 * limit's guard: guards run in registration order, and a request refused with
 * 401 must still have spent its client address's budget.
 */
@Module({
  providers: [ApiKeyService],
  exports: [ApiKeyService],
})
export class AuthModule {}
