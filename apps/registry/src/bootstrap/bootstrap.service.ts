/* eslint-disable no-console -- the generated credentials are printed once, on purpose, to the operator */
import { Injectable, Logger } from '@nestjs/common';
import { promises as fs } from 'fs';
import * as path from 'path';
import { OPERATOR_TENANT } from '../auth/management-scopes';
import { TenantProvisioner } from '../tenancy/tenant-provisioner';

export interface BootstrapOptions {
  dataDir: string;
  clientId?: string;
  clientSecret?: string;
}

/**
 * First start with an empty store: provision tenant `default` with the `Bootstrap Admin` application. Its credentials
 * come from BOOTSTRAP_CLIENT_ID/SECRET or are generated, printed once and written to DATA_DIR/bootstrap-credentials.json
 * (mode 0600). A restart finds the tenant and does nothing.
 */
@Injectable()
export class BootstrapService {
  private readonly logger = new Logger('bootstrap');

  constructor(
    private readonly provisioner: TenantProvisioner,
    private readonly options: BootstrapOptions,
  ) {}

  async ensureBootstrapped(): Promise<void> {
    if (await this.provisioner.exists(OPERATOR_TENANT)) return;
    const configured = this.options.clientId && this.options.clientSecret;
    const file = path.join(this.options.dataDir, 'bootstrap-credentials.json');
    const credentials = await this.provisioner.provision(
      OPERATOR_TENANT,
      { actor: 'bootstrap' },
      configured ? { clientId: this.options.clientId!, clientSecret: this.options.clientSecret! } : undefined,
      // Saved before the tenant is marked complete: a finished bootstrap always has its credentials on disk.
      async (admin) => {
        await fs.mkdir(this.options.dataDir, { recursive: true });
        await fs.writeFile(file, JSON.stringify(admin, null, 2) + '\n', { mode: 0o600 });
        await fs.chmod(file, 0o600);
      },
    );
    this.logger.log(`tenant "${OPERATOR_TENANT}" created; admin credentials written to ${file}`);
    if (!configured) {
      // Printed once so an operator without access to DATA_DIR can still start; never logged again.
      console.log(`\nBootstrap Admin credentials (shown once):\n${JSON.stringify(credentials, null, 2)}\n`);
    }
  }
}
