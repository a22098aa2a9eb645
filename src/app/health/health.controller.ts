import { Controller, Get, HttpCode } from '@nestjs/common';
import { ServiceUnavailableError } from '../../platform/errors/app.errors';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../../platform/auth/auth.decorators';
import { ReadinessService } from './readiness.service';

class HealthDto {
  @ApiProperty({ enum: ['ok', 'unavailable'] })
  status!: 'ok' | 'unavailable';
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', enum: ['up', 'down'] },
    example: { postgres: 'up', redis: 'up' },
  })
  checks!: Record<string, 'up' | 'down'>;
}

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  @Get('live')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'live',
    summary: 'The process is up',
    description: 'Liveness: answers 200 while the process can serve HTTP.',
  })
  @ApiOkResponse({ type: HealthDto })
  live(): HealthDto {
    return { status: 'ok', checks: {} };
  }

  @Get('ready')
  @ApiOperation({
    operationId: 'ready',
    summary: 'PostgreSQL and Redis answer',
    description:
      'Readiness: 200 when PostgreSQL and Redis each answer within two seconds, else 503; 503 too once the process is shutting down.',
  })
  @ApiOkResponse({ type: HealthDto })
  @ApiServiceUnavailableResponse({ description: 'A dependency is down; the problem detail names it' })
  async ready(): Promise<HealthDto> {
    if (this.readiness.shuttingDown) throw new ServiceUnavailableError('Not ready: shutting down');
    const checks = await this.readiness.check();
    const down = Object.entries(checks)
      .filter(([, state]) => state === 'down')
      .map(([name]) => name);
    if (down.length > 0) throw new ServiceUnavailableError(`Not ready: ${down.join(', ')} unreachable`);
    return { status: 'ok', checks };
  }
}
