import { serviceUrl, describeWithService } from '@roster/testing';
import { eventStoreContract } from './event-store.contract';
import { EsdbEventStore } from './esdb-event-store';

// EventStoreDB is shared across tests and runs: the contract isolates itself with random stream names.
describeWithService('eventstore', 'EsdbEventStore on EventStoreDB', () => {
  eventStoreContract('EsdbEventStore on EventStoreDB', async () => {
    const store = EsdbEventStore.connect(serviceUrl('eventstore')!);
    return { store, cleanup: () => store.close() };
  });
});
