import { SetMetadata } from '@nestjs/common';
import { ManagementScope } from './management-scopes';

export const SCOPES_KEY = 'roster:scopes';

/** The route needs a Management API token carrying at least one of these scopes (Auth0's rule for reads). */
export const RequireAnyScope = (...scopes: ManagementScope[]) => SetMetadata(SCOPES_KEY, scopes);
