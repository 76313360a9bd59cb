export * from './decider';
export * from './streams';
export * from './shared/json';
export * from './shared/command';
export * from './shared/violations';
export * from './shared/field-rules';
export * from './shared/url-rules';
export { mergeByTable } from './shared/merge';
export { base62Id, hexId, derivedUuid } from './shared/derived-id';
export { isPlainObject } from './shared/values';

export * from './tenant/tenant.events';
export * from './tenant/tenant.commands';
export * from './tenant/tenant-settings.rules';
export * from './tenant/tenant.decider';

export * from './application/application.events';
export * from './application/application.commands';
export * from './application/grant-types.rules';
export * from './application/client-defaults';
export * from './application/client-settings.rules';
export * from './application/application.decider';

export * from './connection/connection.events';
export * from './connection/connection.commands';
export * from './connection/connection.rules';
export * from './connection/connection.decider';

export * from './resource-server/resource-server.events';
export * from './resource-server/resource-server.commands';
export * from './resource-server/resource-server.rules';
export * from './resource-server/resource-server.decider';

export * from './client-grant/client-grant.events';
export * from './client-grant/client-grant.commands';
export * from './client-grant/client-grant.rules';
export * from './client-grant/client-grant.decider';

export * from './log-stream/log-stream.events';
export * from './log-stream/log-stream.commands';
export * from './log-stream/log-stream.rules';
export * from './log-stream/log-stream.decider';

export * from './registration/client-metadata.rules';
export * from './registration/initial-access-token.events';
export * from './registration/initial-access-token.commands';
export * from './registration/initial-access-token.decider';
