import type { RosterConfig } from '@roster/config';

/** The part of the configuration the registry's services read, as an injectable value. */
export class RegistrySettings {
  readonly publicUrl: string;
  readonly defaultTokenLifetimeSeconds: number;
  readonly secretRotationGraceSeconds: number;
  readonly managementRateLimitPerSecond: number;
  readonly registrationRateLimitPerSecond: number;
  readonly registrationIpRateLimitPerMinute: number;
  readonly registrationMaxClients: number;

  constructor(config: RosterConfig) {
    this.publicUrl = config.publicUrl;
    this.defaultTokenLifetimeSeconds = config.defaultTokenLifetimeSeconds;
    this.secretRotationGraceSeconds = config.secretRotationGraceSeconds;
    this.managementRateLimitPerSecond = config.managementRateLimitPerSecond;
    this.registrationRateLimitPerSecond = config.registrationRateLimitPerSecond;
    this.registrationIpRateLimitPerMinute = config.registrationIpRateLimitPerMinute;
    this.registrationMaxClients = config.registrationMaxClients;
  }
}
