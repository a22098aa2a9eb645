import { Controller, Get, HttpCode, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators';
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
    description: 'Readiness: 200 when PostgreSQL and Redis each answer within two seconds, else 503.',
  })
  @ApiOkResponse({ type: HealthDto })
  @ApiServiceUnavailableResponse({ description: 'A dependency is down; the problem detail names it' })
  async ready(): Promise<HealthDto> {
    const checks = await this.readiness.check();
    const down = Object.entries(checks)
      .filter(([, state]) => state === 'down')
      .map(([name]) => name);
    if (down.length > 0) throw new ServiceUnavailableException(`Not ready: ${down.join(', ')} unreachable`);
    return { status: 'ok', checks };
  }
}
