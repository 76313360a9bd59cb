import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { RosterConfig } from '@roster/config';
import type { Storage } from '@roster/runtime';
import {
  ClientGrantsReader,
  ClientsReader,
  ConnectionsReader,
  LogStreamHealthReader,
  LogStreamsReader,
  LogsReader,
  ReadModelFreshness,
  sinkSecretsOpener,
  ResourceServersReader,
  TenantsReader,
} from '@roster/read-models';
import { SecretBox, SecretCrypto, SecretHasher } from '@roster/security';
import { ManagementAuthGuard, ManagementRateLimiter } from './auth/management-auth.guard';
import { AggregateRepository } from './infrastructure/aggregate-repository';
import { Clock } from './infrastructure/clock';
import { RegistrySettings } from './infrastructure/registry-settings';
import { StreamStateCache } from './infrastructure/stream-state-cache';
import { CommandMetrics, WriteModel } from './infrastructure/write-model';
import { BootstrapOptions, BootstrapService } from './bootstrap/bootstrap.service';
import { ClientGrantCascade } from './management/client-grants/client-grant-cascade';
import { ClientGrantsController, ChangeClientGrantHandler } from './management/client-grants/client-grants.controller';
import { ClientsController } from './management/clients/clients.controller';
import { ClientCommandHandlers } from './management/clients/handlers/client.handlers';
import { ConnectionCommandHandlers } from './management/connections/connection.handlers';
import { ConnectionsController } from './management/connections/connections.controller';
import { ChangeLogStreamHandler } from './management/log-streams/log-stream.handler';
import { LogStreamsController } from './management/log-streams/log-streams.controller';
import {
  ChangeResourceServerHandler,
  ResourceServersController,
} from './management/resource-servers/resource-servers.controller';
import { TenantSettingsController } from './management/tenants/tenant-settings.controller';
import { TenantsController } from './management/tenants/tenants.controller';
import { TenantProvisioner } from './tenancy/tenant-provisioner';
import { TenantConnectionIds } from './tenancy/tenant-connection-ids';
import { DiscoveryController } from './oauth/discovery.controller';
import { ClientAuthLimiters, TokenService } from './oauth/token.service';
import { RegistryLookups } from './tenancy/registry-lookups';
import { LogIngestion } from './logs/log-ingestion';
import { LogWriter } from './logs/log-writer';
import { LogsController } from './logs/logs.controller';
import { LogsFreshness } from './logs/logs-freshness';
import { ManagementCallLog } from './logs/management-call-log';
import { TokenExchangeLog } from './logs/token-exchange-log';
import { InitialAccessTokensController } from './management/initial-access-tokens/initial-access-tokens.controller';
import { DynamicRegistration, RegistrationLimits } from './registration/dynamic-registration';
import { RegistrationCap } from './registration/registration-cap';
import { TenantKeys } from './tenancy/tenant-keys';

/** What the registry needs from the process that hosts it (all-in-one or the registry service alone). */
export interface RegistryDependencies {
  config: RosterConfig;
  storage: Storage;
  secrets: SecretCrypto;
  cache: StreamStateCache;
  freshness: ReadModelFreshness;
  /** Freshness of the log read model (its own checkpoint). */
  logsFreshness: ReadModelFreshness;
  /** Where command outcomes and durations are counted. */
  commandMetrics?: CommandMetrics;
}

@Module({})
export class RegistryModule {
  static forRoot(deps: RegistryDependencies): DynamicModule {
    const settings = new RegistrySettings(deps.config);
    const db = deps.storage.readModels;
    const repository = new AggregateRepository(deps.storage.eventStore, deps.cache);
    const logWriter = new LogWriter(deps.storage.eventStore);
    const logsReader = new LogsReader(db);
    return {
      module: RegistryModule,
      imports: [CqrsModule.forRoot()],
      controllers: [
        ClientsController,
        ConnectionsController,
        ResourceServersController,
        ClientGrantsController,
        TenantSettingsController,
        TenantsController,
        DiscoveryController,
        LogsController,
        LogStreamsController,
        InitialAccessTokensController,
      ],
      providers: [
        { provide: RegistrySettings, useValue: settings },
        { provide: StreamStateCache, useValue: deps.cache },
        { provide: WriteModel, useValue: new WriteModel(repository, deps.freshness, undefined, deps.commandMetrics) },
        { provide: SecretHasher, useValue: deps.secrets.clientSecrets },
        { provide: SecretBox, useValue: deps.secrets.box },
        { provide: Clock, useValue: new Clock() },
        { provide: ClientsReader, useValue: new ClientsReader(db) },
        { provide: ConnectionsReader, useValue: new ConnectionsReader(db) },
        { provide: ClientGrantsReader, useValue: new ClientGrantsReader(db) },
        { provide: ResourceServersReader, useValue: new ResourceServersReader(db) },
        { provide: TenantsReader, useValue: new TenantsReader(db) },
        { provide: LogsReader, useValue: logsReader },
        { provide: LogStreamsReader, useValue: new LogStreamsReader(db, sinkSecretsOpener(deps.secrets.box)) },
        { provide: LogStreamHealthReader, useValue: new LogStreamHealthReader(db) },
        { provide: LogWriter, useValue: logWriter },
        { provide: LogsFreshness, useValue: new LogsFreshness(logWriter, deps.logsFreshness) },
        {
          provide: LogIngestion,
          useFactory: (lookups: RegistryLookups) => new LogIngestion(logWriter, lookups, logsReader),
          inject: [RegistryLookups],
        },
        {
          provide: ManagementCallLog,
          useFactory: (lookups: RegistryLookups) => new ManagementCallLog(logWriter, lookups),
          inject: [RegistryLookups],
        },
        {
          provide: TokenExchangeLog,
          useFactory: (lookups: RegistryLookups) => new TokenExchangeLog(logWriter, lookups),
          inject: [RegistryLookups],
        },
        {
          provide: TenantKeys,
          useFactory: (cache: StreamStateCache, box: SecretBox) => new TenantKeys(cache, box),
          inject: [StreamStateCache, SecretBox],
        },
        {
          provide: RegistryLookups,
          useFactory: (cache: StreamStateCache) => new RegistryLookups(cache),
          inject: [StreamStateCache],
        },
        {
          provide: ManagementRateLimiter,
          useValue: new ManagementRateLimiter({
            capacity: settings.managementRateLimitPerSecond,
            refillPerSecond: settings.managementRateLimitPerSecond,
          }),
        },
        { provide: ClientAuthLimiters, useValue: new ClientAuthLimiters() },
        {
          provide: DynamicRegistration,
          useFactory: (
            write: WriteModel,
            lookups: RegistryLookups,
            hasher: SecretHasher,
            clock: Clock,
            connectionIds: TenantConnectionIds,
          ) =>
            new DynamicRegistration(
              write,
              lookups,
              hasher,
              new RegistrationCap(new ClientsReader(db), settings.registrationMaxClients),
              connectionIds,
              new RegistrationLimits(settings),
              settings,
              clock,
            ),
          inject: [WriteModel, RegistryLookups, SecretHasher, Clock, TenantConnectionIds],
        },
        {
          provide: TokenService,
          useFactory: (
            lookups: RegistryLookups,
            keys: TenantKeys,
            hasher: SecretHasher,
            limiters: ClientAuthLimiters,
          ) => new TokenService(lookups, keys, hasher, limiters, settings),
          inject: [RegistryLookups, TenantKeys, SecretHasher, ClientAuthLimiters],
        },
        {
          provide: TenantProvisioner,
          useFactory: (write: WriteModel, hasher: SecretHasher, box: SecretBox, clock: Clock) =>
            new TenantProvisioner(write, hasher, box, settings, clock),
          inject: [WriteModel, SecretHasher, SecretBox, Clock],
        },
        {
          provide: BootstrapService,
          useFactory: (provisioner: TenantProvisioner) =>
            new BootstrapService(provisioner, {
              dataDir: deps.config.dataDir,
              clientId: deps.config.bootstrapClientId,
              clientSecret: deps.config.bootstrapClientSecret,
            } satisfies BootstrapOptions),
          inject: [TenantProvisioner],
        },
        {
          provide: ClientGrantCascade,
          useFactory: (grants: ClientGrantsReader, write: WriteModel, clock: Clock) =>
            new ClientGrantCascade(grants, write, clock),
          inject: [ClientGrantsReader, WriteModel, Clock],
        },
        {
          provide: TenantConnectionIds,
          // All-in-one is the only writer of its store; in split mode another registry may add connections.
          useFactory: (connections: ConnectionsReader) =>
            new TenantConnectionIds(connections, deps.config.mode === 'all-in-one'),
          inject: [ConnectionsReader],
        },
        ManagementAuthGuard,
        ...ClientCommandHandlers,
        ...ConnectionCommandHandlers,
        ChangeResourceServerHandler,
        ChangeClientGrantHandler,
        ChangeLogStreamHandler,
      ],
    };
  }
}
