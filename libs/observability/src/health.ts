import { Controller, DynamicModule, Get, HttpCode, Module, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { MetricsRegistry } from './metrics';

/** A named readiness check; it resolves when the dependency answers and rejects otherwise. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
  /**
   * Default true. A dependency the process can serve without (all-in-one's optional Kafka relay) is reported down in
   * the body and in `roster_dependency_up`, but does not take the process out of rotation.
   */
  critical?: boolean;
}

export interface ReadinessReport {
  ready: boolean;
  dependencies: Record<string, 'up' | 'down'>;
}

/** How long one check may take before its dependency counts as down. */
const CHECK_TIMEOUT_MS = 2000;

/**
 * Runs the readiness checks, for /health/ready and for every /metrics scrape, and keeps `roster_dependency_up` (1 up,
 * 0 down, per dependency) as of the last run.
 */
export class Readiness {
  private readonly up;

  constructor(
    private readonly checks: readonly ReadinessCheck[],
    metrics: MetricsRegistry,
  ) {
    this.up = metrics.gauge(
      'roster_dependency_up',
      'Whether a dependency answered its last readiness check (1) or not (0)',
    );
    metrics.addCollector(async () => void (await this.probe()));
  }

  async probe(): Promise<ReadinessReport> {
    const results = await Promise.all(
      this.checks.map(async ({ name, check, critical = true }) => {
        let up = true;
        try {
          await withTimeout(check(), CHECK_TIMEOUT_MS);
        } catch {
          up = false;
        }
        this.up.set({ dependency: name }, up ? 1 : 0);
        return { name, up, critical };
      }),
    );
    return {
      ready: results.every(({ up, critical }) => up || !critical),
      dependencies: Object.fromEntries(results.map(({ name, up }) => [name, up ? 'up' : 'down'])),
    };
  }
}

@Controller()
export class HealthController {
  constructor(
    private readonly readiness: Readiness,
    private readonly metrics: MetricsRegistry,
  ) {}

  @Get('health/live')
  @HttpCode(200)
  live(): { status: string } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const { ready, dependencies } = await this.readiness.probe();
    void reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', dependencies });
  }

  @Get('metrics')
  async metricsText(@Res() reply: FastifyReply): Promise<void> {
    // Lags and dependency states are measured now, so a scrape sees a dependency that stopped since the last one.
    await this.metrics.collect(CHECK_TIMEOUT_MS + 500);
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
        { provide: Readiness, useValue: new Readiness(checks, metrics) },
      ],
      exports: [MetricsRegistry],
    };
  }
}
