import { Logger } from '@nestjs/common';
import { EventStore, EventSubscription } from '@roster/event-store';
import { StreamStateCache } from './stream-state-cache';

/**
 * Follows the global log from its head and evicts cached stream states that another process changed. Starting at
 * the head is enough: the cache is empty at start, and everything loaded later is read after this point.
 */
export class ChangeFeed {
  private subscription?: EventSubscription;
  private running?: Promise<void>;
  private readonly logger = new Logger('change-feed');

  constructor(
    private readonly store: EventStore,
    private readonly cache: StreamStateCache,
    private readonly streamPrefixes: readonly string[],
  ) {}

  async start(): Promise<void> {
    const head = await this.store.headPosition();
    this.running = this.follow(head);
  }

  private async follow(after: bigint): Promise<void> {
    let checkpoint = after;
    while (true) {
      this.subscription = this.store.subscribeToAll({
        after: checkpoint,
        filter: { streamPrefixes: this.streamPrefixes },
      });
      try {
        for await (const event of this.subscription) {
          this.cache.evictIfOlder(event.streamId, event.revision);
          checkpoint = event.position;
        }
        return; // closed
      } catch (error) {
        if (this.stopped) return;
        this.logger.warn(`subscription failed, resuming: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  private stopped = false;

  async stop(): Promise<void> {
    this.stopped = true;
    await this.subscription?.close();
    await this.running;
  }
}
