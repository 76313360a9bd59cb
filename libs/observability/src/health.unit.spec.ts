import { Readiness } from './health';
import { MetricsRegistry } from './metrics';

describe('Readiness', () => {
  it('is ready when every critical dependency answers, and names the ones that do not', async () => {
    let database = true;
    const metrics = new MetricsRegistry();
    const readiness = new Readiness(
      [
        {
          name: 'read_models',
          check: async () => {
            if (!database) throw new Error('connection refused');
          },
        },
        { name: 'kafka', critical: false, check: () => Promise.reject(new Error('ECONNREFUSED')) },
      ],
      metrics,
    );
    expect(await readiness.probe()).toEqual({ ready: true, dependencies: { read_models: 'up', kafka: 'down' } });

    database = false;
    expect(await readiness.probe()).toEqual({ ready: false, dependencies: { read_models: 'down', kafka: 'down' } });
    expect(metrics.render()).toContain('roster_dependency_up{dependency="read_models"} 0\n');
  });

  it('refreshes roster_dependency_up at each scrape, without anyone calling /health/ready', async () => {
    let up = true;
    const metrics = new MetricsRegistry();
    const check = async () => {
      if (!up) throw new Error('down');
    };
    new Readiness([{ name: 'event_store', check }], metrics);
    await metrics.collect();
    expect(metrics.render()).toContain('roster_dependency_up{dependency="event_store"} 1\n');
    up = false;
    await metrics.collect();
    expect(metrics.render()).toContain('roster_dependency_up{dependency="event_store"} 0\n');
  });
});

describe('MetricsRegistry.collect', () => {
  it('runs the collectors, counting failed or hung ones without waiting for them', async () => {
    const metrics = new MetricsRegistry();
    const gauge = metrics.gauge('roster_test_lag', 'test');
    metrics.addCollector(async () => gauge.replaceAll([[{ stream: 'a' }, 3]]));
    metrics.addCollector(() => Promise.reject(new Error('database down')));
    metrics.addCollector(() => new Promise(() => undefined));
    await metrics.collect(50);
    const text = metrics.render();
    expect(text).toContain('roster_test_lag{stream="a"} 3\n');
    expect(text).toContain('roster_metrics_collector_failures_total 2\n');
  });

  it('drops series that a collector no longer reports', async () => {
    const metrics = new MetricsRegistry();
    const gauge = metrics.gauge('roster_test_lag', 'test');
    gauge.replaceAll([
      [{ stream: 'a' }, 1],
      [{ stream: 'b' }, 2],
    ]);
    gauge.replaceAll([[{ stream: 'b' }, 5]]);
    expect(metrics.render()).not.toContain('stream="a"');
    expect(metrics.render()).toContain('roster_test_lag{stream="b"} 5\n');
  });
});
