/**
 * A minimal Prometheus registry: counters, gauges and histograms with labels, rendered in the text exposition
 * format (version 0.0.4). Enough for Roster's /metrics without a dependency.
 */
type Labels = Record<string, string>;

const labelKey = (labels: Labels): string =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}="${String(labels[k]).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');

abstract class Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge' | 'histogram',
  ) {}
  abstract render(): string[];
  header(): string[] {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
  }
}

export class Counter extends Metric {
  private readonly values = new Map<string, number>();
  constructor(name: string, help: string) {
    super(name, help, 'counter');
  }
  inc(labels: Labels = {}, by = 1): void {
    const key = labelKey(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }
  render(): string[] {
    return [...this.values].map(([key, value]) => `${this.name}${key ? `{${key}}` : ''} ${value}`);
  }
}

export class Gauge extends Metric {
  private readonly values = new Map<string, number | (() => number)>();
  constructor(name: string, help: string) {
    super(name, help, 'gauge');
  }
  set(labels: Labels, value: number | (() => number)): void {
    this.values.set(labelKey(labels), value);
  }
  /** Replaces every series at once (series not given disappear, e.g. a deleted log stream's). */
  replaceAll(series: readonly (readonly [Labels, number])[]): void {
    this.values.clear();
    for (const [labels, value] of series) this.set(labels, value);
  }
  render(): string[] {
    return [...this.values].map(
      ([key, value]) => `${this.name}${key ? `{${key}}` : ''} ${typeof value === 'function' ? value() : value}`,
    );
  }
}

export class Histogram extends Metric {
  private readonly series = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(
    name: string,
    help: string,
    private readonly buckets: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  ) {
    super(name, help, 'histogram');
  }
  observe(labels: Labels, value: number): void {
    const key = labelKey(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]) s.counts[i]++;
    s.sum += value;
    s.count++;
  }
  render(): string[] {
    const lines: string[] = [];
    for (const [key, s] of this.series) {
      const prefix = key ? `${key},` : '';
      this.buckets.forEach((le, i) => lines.push(`${this.name}_bucket{${prefix}le="${le}"} ${s.counts[i]}`));
      lines.push(`${this.name}_bucket{${prefix}le="+Inf"} ${s.count}`);
      lines.push(`${this.name}_sum${key ? `{${key}}` : ''} ${s.sum}`);
      lines.push(`${this.name}_count${key ? `{${key}}` : ''} ${s.count}`);
    }
    return lines;
  }
}

/** Refreshes gauges that need I/O to know (a lag, a dependency); called before each scrape. */
export type MetricsCollector = () => Promise<void>;

export class MetricsRegistry {
  private readonly metrics = new Map<string, Metric>();
  private readonly collectors = new Set<MetricsCollector>();

  counter(name: string, help: string): Counter {
    return this.register(name, () => new Counter(name, help));
  }
  gauge(name: string, help: string): Gauge {
    return this.register(name, () => new Gauge(name, help));
  }
  histogram(name: string, help: string, buckets?: readonly number[]): Histogram {
    return this.register(name, () => new Histogram(name, help, buckets));
  }

  /** Registers a collector; returns the function that removes it. */
  addCollector(collector: MetricsCollector): () => void {
    this.collectors.add(collector);
    return () => this.collectors.delete(collector);
  }

  /**
   * Runs every collector at once, each given at most `timeoutMs`: a dependency that hangs leaves its gauges as they
   * were and never holds a scrape for long. A failing collector is counted, never thrown.
   */
  async collect(timeoutMs = 2000): Promise<void> {
    const failures = this.counter('roster_metrics_collector_failures_total', 'Scrape-time collectors that failed');
    await Promise.all(
      [...this.collectors].map(async (collector) => {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            collector(),
            new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), timeoutMs))),
          ]);
        } catch {
          failures.inc();
        } finally {
          clearTimeout(timer);
        }
      }),
    );
  }

  render(): string {
    const lines: string[] = [];
    for (const metric of this.metrics.values()) lines.push(...metric.header(), ...metric.render());
    return lines.join('\n') + '\n';
  }

  private register<M extends Metric>(name: string, make: () => M): M {
    const existing = this.metrics.get(name);
    if (existing) return existing as M;
    const metric = make();
    this.metrics.set(name, metric);
    return metric;
  }
}
