import { Controller, DynamicModule, Get, HttpCode, Inject, Module, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { MetricsRegistry } from './metrics';

/** A named readiness check; it resolves when the dependency answers and rejects otherwise. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export const READINESS_CHECKS = Symbol('ReadinessChecks');

@Controller()
export class HealthController {
  constructor(
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
    private readonly metrics: MetricsRegistry,
  ) {}

  @Get('health/live')
  @HttpCode(200)
  live(): { status: string } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const results = await Promise.all(
      this.checks.map(async ({ name, check }) => {
        try {
          await withTimeout(check(), 2000);
          return [name, 'up'] as const;
        } catch {
          return [name, 'down'] as const;
        }
      }),
    );
    const ok = results.every(([, state]) => state === 'up');
    void reply
      .status(ok ? 200 : 503)
      .send({ status: ok ? 'ready' : 'not_ready', dependencies: Object.fromEntries(results) });
  }

  @Get('metrics')
  async metricsText(@Res() reply: FastifyReply): Promise<void> {
    void reply.header('content-type', 'text/plain; version=0.0.4').send(this.metrics.render());
  }
}

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error) => (clearTimeout(timer), reject(error)),
    );
  });

@Module({})
export class HealthModule {
  static forRoot(metrics: MetricsRegistry, checks: ReadinessCheck[]): DynamicModule {
    return {
      module: HealthModule,
      controllers: [HealthController],
      providers: [
        { provide: MetricsRegistry, useValue: metrics },
        { provide: READINESS_CHECKS, useValue: checks },
      ],
      exports: [MetricsRegistry],
    };
  }
}
