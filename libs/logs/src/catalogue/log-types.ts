/**
 * Auth0's log type codes: what each means, which log stream filter category holds it, and whether another service
 * may report it to Roster (reference/auth0-domain.md §7.1, §8.1).
 *
 * Sources, in order of precedence: the reference; Auth0's log stream filter page (`customize/log-streams/
 * event-filters`); the folder each code's schema sits in under Auth0's `tenant-logs` docs (its category); the "Event"
 * column of Auth0's log type code table (`description`). Legacy codes that the reference still names (`fapi`, `coff`,
 * `con`, `sys_*`, `admin_update_launch`) are kept so that old events and old filters keep working.
 */

/** Log stream filter categories (`{type: "category", name}`); `other` holds every code no other category lists. */
export const LOG_CATEGORIES = [
  'auth.login.fail',
  'auth.login.success',
  'auth.login.notification',
  'auth.logout.fail',
  'auth.logout.success',
  'auth.signup.fail',
  'auth.signup.success',
  'auth.silent_auth.fail',
  'auth.silent_auth.success',
  'auth.token_exchange.fail',
  'auth.token_exchange.success',
  'management.success',
  'management.fail',
  'system.notification',
  'user.fail',
  'user.notification',
  'user.success',
  'scim.event',
  'actions',
  'other',
] as const;

export type LogCategory = (typeof LOG_CATEGORIES)[number];

export interface LogTypeInfo {
  code: string;
  category: LogCategory;
  /**
   * True when other services may report events of this type through the ingestion endpoint. False for the types
   * Roster emits itself (its Management API, its client-credentials token endpoint, its rate limits): accepting them
   * from outside would let a reporter forge Roster's own audit trail.
   */
  reportable: boolean;
  /** Auth0's name for the event, e.g. "Success Login". */
  description: string;
  /** What the event is about, where several codes share a description (e.g. every "Success Exchange"). */
  detail?: string;
}

/** Every known code, grouped by category in the order of `LOG_CATEGORIES`. */
export const LOG_TYPES = [
  // auth.login.fail
  { code: 'f', category: 'auth.login.fail', reportable: true, description: 'Failed Login' },
  { code: 'fc', category: 'auth.login.fail', reportable: true, description: 'Failed by Connector' },
  // Auth0's schema files `fco` under `other`; the reference and the filter page put it here.
  { code: 'fco', category: 'auth.login.fail', reportable: true, description: 'Failed by CORS' },
  { code: 'fcoa', category: 'auth.login.fail', reportable: true, description: 'Failed cross-origin authentication' },
  {
    code: 'fens',
    category: 'auth.login.fail',
    reportable: true,
    description: 'Failed Exchange',
    detail: 'Native Social Login',
  },
  { code: 'fp', category: 'auth.login.fail', reportable: true, description: 'Failed Login (Incorrect Password)' },
  { code: 'fu', category: 'auth.login.fail', reportable: true, description: 'Failed Login (Invalid Email/Username)' },

  // auth.login.success
  { code: 's', category: 'auth.login.success', reportable: true, description: 'Success Login' },
  {
    code: 'scoa',
    category: 'auth.login.success',
    reportable: true,
    description: 'Success cross-origin authentication',
  },
  {
    code: 'sens',
    category: 'auth.login.success',
    reportable: true,
    description: 'Success Exchange',
    detail: 'Native Social Login',
  },
  { code: 'sdel', category: 'auth.login.success', reportable: true, description: 'Successful Delegated Login' },

  // auth.login.notification
  { code: 'w', category: 'auth.login.notification', reportable: true, description: 'Warning During Login' },
  { code: 'scv', category: 'auth.login.notification', reportable: true, description: 'Success Credential Validation' },

  // auth.logout.fail
  { code: 'flo', category: 'auth.logout.fail', reportable: true, description: 'Failed Logout' },
  {
    code: 'oidc_backchannel_logout_failed',
    category: 'auth.logout.fail',
    reportable: true,
    description: 'Failed OIDC Back-Channel Logout request',
  },
  {
    code: 'universal_logout_failed',
    category: 'auth.logout.fail',
    reportable: true,
    description: 'Failed Universal Logout request',
  },
  {
    code: 'federated_logout_failed',
    category: 'auth.logout.fail',
    reportable: true,
    description: 'Failed Federated Logout',
  },

  // auth.logout.success
  { code: 'slo', category: 'auth.logout.success', reportable: true, description: 'Success Logout' },
  {
    code: 'oidc_backchannel_logout_succeeded',
    category: 'auth.logout.success',
    reportable: true,
    description: 'Successful OIDC Back-Channel Logout request',
  },
  {
    code: 'universal_logout_succeeded',
    category: 'auth.logout.success',
    reportable: true,
    description: 'Successful Universal Logout request',
  },

  // auth.signup.*
  { code: 'fs', category: 'auth.signup.fail', reportable: true, description: 'Failed Signup' },
  { code: 'ss', category: 'auth.signup.success', reportable: true, description: 'Success Signup' },

  // auth.silent_auth.*
  { code: 'fsa', category: 'auth.silent_auth.fail', reportable: true, description: 'Failed Silent Auth' },
  {
    code: 'fdelsa',
    category: 'auth.silent_auth.fail',
    reportable: true,
    description: 'Failed Delegated Silent Authentication',
  },
  { code: 'ssa', category: 'auth.silent_auth.success', reportable: true, description: 'Success Silent Auth' },
  {
    code: 'sdelsa',
    category: 'auth.silent_auth.success',
    reportable: true,
    description: 'Successful Delegated Silent Authentication',
  },

  // auth.token_exchange.fail: reportable (an authorization server reports them) except client credentials, which
  // Roster's own token endpoint issues.
  {
    code: 'feacft',
    category: 'auth.token_exchange.fail',
    reportable: true,
    description: 'Failed Exchange',
    detail: 'Authorization Code for Access Token',
  },
  {
    code: 'feccft',
    category: 'auth.token_exchange.fail',
    reportable: false,
    description: 'Failed Exchange',
    detail: 'Client Credentials for Access Token',
  },
  {
    code: 'fede',
    category: 'auth.token_exchange.fail',
    reportable: true,
    description: 'Failed Exchange',
    detail: 'Device Code for Access Token',
  },
  {
    code: 'feoobft',
    category: 'auth.token_exchange.fail',
    reportable: true,
    description: 'Failed Exchange',
    detail: 'Password and OOB Challenge for Access Token',
  },
  {
    code: 'feotpft',
    category: 'auth.token_exchange.fail',
    reportable: true,
    description: 'Failed Exchange',
    detail: 'Password and OTP Challenge for Access Token',
  },
  {
    code: 'fepft',
    category: 'auth.token_exchange.fail',
    reportable: true,
    description: 'Failed Exchange',
    detail: 'Password for Access Token',
  },
  {
    code: 'fepotpft',
    category: 'auth.token_exchange.fail',
    reportable: true,
    description: 'Failed Exchange',
    detail: 'Passwordless OTP for Access Token',
  },
  {
    code: 'fercft',
    category: 'auth.token_exchange.fail',
    reportable: true,
    description: 'Failed Exchange',
    detail: 'Password and MFA Recovery Code for Access Token',
  },
  {
    code: 'ferrt',
    category: 'auth.token_exchange.fail',
    reportable: true,
    description: 'Failed Exchange',
    detail: 'Rotating Refresh Token (reuse detected)',
  },
  {
    code: 'fertft',
    category: 'auth.token_exchange.fail',
    reportable: true,
    description: 'Failed Exchange',
    detail: 'Refresh Token for Access Token',
  },
  {
    code: 'fecte',
    category: 'auth.token_exchange.fail',
    reportable: true,
    description: 'Failed Exchange',
    detail: 'Custom Token Exchange',
  },
  // Auth0's schema files `feta` under token_exchange.success, which reads as a slip: it is the failed Token Vault one.
  {
    code: 'feta',
    category: 'auth.token_exchange.fail',
    reportable: true,
    description: 'Failed Exchange',
    detail: 'Token Vault',
  },
  {
    code: 'fdeleacft',
    category: 'auth.token_exchange.fail',
    reportable: true,
    description: 'Failed Exchange',
    detail: 'Delegated Authorization Code for Access Token',
  },
  {
    code: 'ciba_exchange_failed',
    category: 'auth.token_exchange.fail',
    reportable: true,
    description: 'Failed CIBA Exchange',
  },
  {
    code: 'jwt_bearer_exchange_failed',
    category: 'auth.token_exchange.fail',
    reportable: true,
    description: 'Failed Exchange',
    detail: 'JWT Bearer Assertion for Access Token',
  },
  {
    code: 'idjag_exchange_failed',
    category: 'auth.token_exchange.fail',
    reportable: true,
    description: 'Failed Exchange',
    detail: 'Identity Assertion Authorization Grant JWT for Access Token',
  },
  {
    code: 'failed_on_behalf_of_token_exchange',
    category: 'auth.token_exchange.fail',
    reportable: true,
    description: 'Failed Exchange',
    detail: 'On-Behalf-Of Token Exchange',
  },

  // auth.token_exchange.success (same split as above)
  {
    code: 'seacft',
    category: 'auth.token_exchange.success',
    reportable: true,
    description: 'Success Exchange',
    detail: 'Authorization Code for Access Token',
  },
  {
    code: 'seccft',
    category: 'auth.token_exchange.success',
    reportable: false,
    description: 'Success Exchange',
    detail: 'Client Credentials for Access Token',
  },
  {
    code: 'sede',
    category: 'auth.token_exchange.success',
    reportable: true,
    description: 'Success Exchange',
    detail: 'Device Code for Access Token',
  },
  {
    code: 'seoobft',
    category: 'auth.token_exchange.success',
    reportable: true,
    description: 'Success Exchange',
    detail: 'Password and OOB Challenge for Access Token',
  },
  {
    code: 'seotpft',
    category: 'auth.token_exchange.success',
    reportable: true,
    description: 'Success Exchange',
    detail: 'Password and OTP Challenge for Access Token',
  },
  {
    code: 'sepft',
    category: 'auth.token_exchange.success',
    reportable: true,
    description: 'Success Exchange',
    detail: 'Password for Access Token',
  },
  {
    code: 'sercft',
    category: 'auth.token_exchange.success',
    reportable: true,
    description: 'Success Exchange',
    detail: 'Password and MFA Recovery Code for Access Token',
  },
  {
    code: 'sertft',
    category: 'auth.token_exchange.success',
    reportable: true,
    description: 'Success Exchange',
    detail: 'Refresh Token for Access Token',
  },
  {
    code: 'secte',
    category: 'auth.token_exchange.success',
    reportable: true,
    description: 'Success Exchange',
    detail: 'Custom Token Exchange',
  },
  {
    code: 'seta',
    category: 'auth.token_exchange.success',
    reportable: true,
    description: 'Success Exchange',
    detail: 'Token Vault',
  },
  {
    code: 'sdeleacft',
    category: 'auth.token_exchange.success',
    reportable: true,
    description: 'Success Exchange',
    detail: 'Delegated Authorization Code for Access Token',
  },
  {
    code: 'sepkoobft',
    category: 'auth.token_exchange.success',
    reportable: true,
    description: 'Success Exchange',
    detail: 'Passkey and OOB Challenge for Access Token',
  },
  {
    code: 'sepkotpft',
    category: 'auth.token_exchange.success',
    reportable: true,
    description: 'Success Exchange',
    detail: 'Passkey and OTP Challenge for Access Token',
  },
  {
    code: 'sepkrcft',
    category: 'auth.token_exchange.success',
    reportable: true,
    description: 'Success Exchange',
    detail: 'Passkey and MFA Recovery Code for Access Token',
  },
  {
    code: 'ciba_exchange_succeeded',
    category: 'auth.token_exchange.success',
    reportable: true,
    description: 'Successful CIBA Exchange',
  },
  {
    code: 'idjag_exchange_succeeded',
    category: 'auth.token_exchange.success',
    reportable: true,
    description: 'Success Exchange',
    detail: 'Identity Assertion Authorization Grant JWT for Access Token',
  },
  {
    code: 'success_on_behalf_of_token_exchange',
    category: 'auth.token_exchange.success',
    reportable: true,
    description: 'Success Exchange',
    detail: 'On-Behalf-Of Token Exchange',
  },

  // management.*: Roster's own Management API.
  { code: 'sapi', category: 'management.success', reportable: false, description: 'Success API Operation' },
  {
    code: 'mgmt_api_read',
    category: 'management.success',
    reportable: false,
    description: 'Management API read Operation',
  },
  // Absent from Auth0's current list, still used by older consumers (e.g. the mgmt-webhooks extension).
  { code: 'fapi', category: 'management.fail', reportable: false, description: 'Failed API Operation' },

  // system.notification. Rate limits are Roster's own limiter; the rest comes from other parts of the platform.
  {
    code: 'api_limit',
    category: 'system.notification',
    reportable: false,
    description: 'Rate Limit on the Authentication or Management APIs',
  },
  {
    code: 'api_limit_warning',
    category: 'system.notification',
    reportable: false,
    description: 'Rate Limit Warning on the Authentication or Management APIs',
  },
  {
    code: 'appi',
    category: 'system.notification',
    reportable: true,
    description: 'Notice for API Peak Performance initiated',
  },
  { code: 'acul_sdk_notice', category: 'system.notification', reportable: true, description: 'ACUL SDK Notice' },
  { code: 'coff', category: 'system.notification', reportable: true, description: 'Connector Offline' },
  { code: 'con', category: 'system.notification', reportable: true, description: 'Connector Online' },
  {
    code: 'custom_domain_verification_failed',
    category: 'system.notification',
    reportable: true,
    description: 'Custom Domain Verification Failed',
  },
  { code: 'depnote', category: 'system.notification', reportable: true, description: 'Deprecation Notice' },
  {
    code: 'directory_sync_started',
    category: 'system.notification',
    reportable: true,
    description: 'Inbound Directory Sync Started',
  },
  {
    code: 'directory_sync_completed',
    category: 'system.notification',
    reportable: true,
    description: 'Inbound Directory Sync Completed',
  },
  {
    code: 'directory_sync_failed',
    category: 'system.notification',
    reportable: true,
    description: 'Inbound Directory Sync Failed',
  },
  { code: 'fcpro', category: 'system.notification', reportable: true, description: 'Failed Connector Provisioning' },
  { code: 'fui', category: 'system.notification', reportable: true, description: 'Failed users import' },
  {
    code: 'limit_delegation',
    category: 'system.notification',
    reportable: true,
    description: 'Too Many Calls to /delegation',
  },
  { code: 'limit_mu', category: 'system.notification', reportable: true, description: 'Blocked IP Address' },
  {
    code: 'limit_wc',
    category: 'system.notification',
    reportable: true,
    description: 'Blocked Account',
    detail: 'Too many failed logins into one account',
  },
  {
    code: 'limit_phone',
    category: 'system.notification',
    reportable: true,
    description: 'Too Many SMS or Voice Calls',
  },
  {
    code: 'sys_os_update_start',
    category: 'system.notification',
    reportable: true,
    description: 'Auth0 OS Update Started',
  },
  {
    code: 'sys_os_update_end',
    category: 'system.notification',
    reportable: true,
    description: 'Auth0 OS Update Ended',
  },
  { code: 'sys_update_start', category: 'system.notification', reportable: true, description: 'Auth0 Update Started' },
  { code: 'sys_update_end', category: 'system.notification', reportable: true, description: 'Auth0 Update Ended' },
  {
    code: 'admin_update_launch',
    category: 'system.notification',
    reportable: true,
    description: 'Auth0 Update Launched',
  },

  // user.fail
  { code: 'fce', category: 'user.fail', reportable: true, description: 'Failed Change Email' },
  { code: 'fcp', category: 'user.fail', reportable: true, description: 'Failed Change Password' },
  { code: 'fcph', category: 'user.fail', reportable: true, description: 'Failed Post Change Password Hook' },
  { code: 'fcpn', category: 'user.fail', reportable: true, description: 'Failed Change Phone Number' },
  { code: 'fcpr', category: 'user.fail', reportable: true, description: 'Failed Change Password Request' },
  { code: 'fcu', category: 'user.fail', reportable: true, description: 'Failed Change Username' },
  { code: 'fd', category: 'user.fail', reportable: true, description: 'Failed Delegation' },
  { code: 'fdeaz', category: 'user.fail', reportable: true, description: 'Failed Device Authorization Request' },
  { code: 'fdecc', category: 'user.fail', reportable: true, description: 'User Canceled Device Confirmation' },
  { code: 'fdu', category: 'user.fail', reportable: true, description: 'Failed User Deletion' },
  { code: 'fn', category: 'user.fail', reportable: true, description: 'Failed Sending Notification' },
  { code: 'fv', category: 'user.fail', reportable: true, description: 'Failed Verification Email' },
  { code: 'fvr', category: 'user.fail', reportable: true, description: 'Failed Verification Email Request' },
  { code: 'ss_sso_failure', category: 'user.fail', reportable: true, description: 'Failed SS-SSO Operation' },
  {
    code: 'connected_accounts_connection_failed',
    category: 'user.fail',
    reportable: true,
    description: 'Failed Connected Account Connection',
  },
  {
    code: 'connected_accounts_delete_failed',
    category: 'user.fail',
    reportable: true,
    description: 'Failed Connected Account Delete',
  },
  {
    code: 'my_account_authentication_method_failed',
    category: 'user.fail',
    reportable: true,
    description: 'Failed authentication method operation in My Account API',
  },

  // user.notification
  { code: 'cs', category: 'user.notification', reportable: true, description: 'Code Sent' },
  {
    code: 'gd_enrollment_complete',
    category: 'user.notification',
    reportable: true,
    description: 'MFA enrollment complete',
  },
  { code: 'gd_start_enroll', category: 'user.notification', reportable: true, description: 'MFA Enroll started' },
  { code: 'gd_unenroll', category: 'user.notification', reportable: true, description: 'Unenroll device account' },
  {
    code: 'gd_update_device_account',
    category: 'user.notification',
    reportable: true,
    description: 'Update device account',
  },
  {
    code: 'ss_sso_info',
    category: 'user.notification',
    reportable: true,
    description: 'Information from an SS-SSO Operation',
  },
  { code: 'ublkdu', category: 'user.notification', reportable: true, description: 'User login block released' },

  // user.success
  { code: 'sce', category: 'user.success', reportable: true, description: 'Success Change Email' },
  { code: 'scp', category: 'user.success', reportable: true, description: 'Success Change Password' },
  { code: 'scpn', category: 'user.success', reportable: true, description: 'Success Change Phone Number' },
  { code: 'scpr', category: 'user.success', reportable: true, description: 'Success Change Password Request' },
  { code: 'scu', category: 'user.success', reportable: true, description: 'Success Change Username' },
  { code: 'sd', category: 'user.success', reportable: true, description: 'Success Delegation' },
  { code: 'sdu', category: 'user.success', reportable: true, description: 'Success User Deletion' },
  { code: 'srrt', category: 'user.success', reportable: true, description: 'Successfully revoked a refresh token' },
  { code: 'ss_sso_success', category: 'user.success', reportable: true, description: 'Success SS-SSO Operation' },
  { code: 'sui', category: 'user.success', reportable: true, description: 'Successfully imported users' },
  { code: 'sv', category: 'user.success', reportable: true, description: 'Success Verification Email' },
  { code: 'svr', category: 'user.success', reportable: true, description: 'Success Verification Email Request' },
  {
    code: 'connected_accounts_connection_succeeded',
    category: 'user.success',
    reportable: true,
    description: 'Successful Connected Account Connection',
  },
  {
    code: 'connected_accounts_delete_succeeded',
    category: 'user.success',
    reportable: true,
    description: 'Successful Connected Account Delete',
  },
  {
    code: 'my_account_authentication_method_succeeded',
    category: 'user.success',
    reportable: true,
    description: 'Successful authentication method operation in My Account API',
  },

  // scim.event, actions
  { code: 'sscim', category: 'scim.event', reportable: true, description: 'Successful SCIM Operation' },
  { code: 'fscim', category: 'scim.event', reportable: true, description: 'Failed SCIM Operation' },
  { code: 'actions_execution_failed', category: 'actions', reportable: true, description: 'Actions Execution Failed' },

  // other: known codes that no filter category lists (most MFA events among them).
  { code: 'acls_summary', category: 'other', reportable: true, description: 'Network ACLs Summary' },
  { code: 'ciba_start_failed', category: 'other', reportable: true, description: 'Failed CIBA Start' },
  { code: 'ciba_start_succeeded', category: 'other', reportable: true, description: 'Successful CIBA Start' },
  { code: 'cls', category: 'other', reportable: true, description: 'Code/Link Sent' },
  { code: 'fdeac', category: 'other', reportable: true, description: 'Failed Device Activation' },
  { code: 'fi', category: 'other', reportable: true, description: 'Failed invite accept' },
  { code: 'si', category: 'other', reportable: true, description: 'Successfully accepted a user invite' },
  { code: 'flows_execution_completed', category: 'other', reportable: true, description: 'Flows Execution Completed' },
  { code: 'flows_execution_failed', category: 'other', reportable: true, description: 'Flows Execution Failed' },
  { code: 'forms_submission_failed', category: 'other', reportable: true, description: 'Forms Submission Failed' },
  {
    code: 'forms_submission_succeeded',
    category: 'other',
    reportable: true,
    description: 'Forms Submission Succeeded',
  },
  { code: 'fpar', category: 'other', reportable: true, description: 'Failed Pushed Authorization Request' },
  { code: 'fpurh', category: 'other', reportable: true, description: 'Failed Post User Registration Hook' },
  {
    code: 'gd_auth_email_verification',
    category: 'other',
    reportable: true,
    description: 'Email Verification Confirmed',
  },
  {
    code: 'gd_auth_fail_email_verification',
    category: 'other',
    reportable: true,
    description: 'Email Verification Failed',
    detail: 'Confirming the MFA email address failed',
  },
  { code: 'gd_auth_failed', category: 'other', reportable: true, description: 'MFA Auth failed' },
  { code: 'gd_auth_rejected', category: 'other', reportable: true, description: 'MFA Auth rejected' },
  { code: 'gd_auth_succeed', category: 'other', reportable: true, description: 'MFA Auth success' },
  { code: 'gd_otp_rate_limit_exceed', category: 'other', reportable: true, description: 'Too many MFA failures' },
  { code: 'gd_recovery_failed', category: 'other', reportable: true, description: 'Recovery failed' },
  {
    code: 'gd_recovery_rate_limit_exceed',
    category: 'other',
    reportable: true,
    description: 'Multi-factor recovery code has failed too many times',
  },
  { code: 'gd_recovery_succeed', category: 'other', reportable: true, description: 'MFA recovery success' },
  { code: 'gd_send_email', category: 'other', reportable: true, description: 'MFA Email Sent' },
  { code: 'gd_send_email_verification', category: 'other', reportable: true, description: 'Email Verification Sent' },
  {
    code: 'gd_send_email_verification_failure',
    category: 'other',
    reportable: true,
    description: 'Email Verification Failed',
    detail: 'Sending the MFA verification email failed',
  },
  { code: 'gd_send_pn', category: 'other', reportable: true, description: 'Push notification sent' },
  {
    code: 'gd_send_pn_failure',
    category: 'other',
    reportable: true,
    description: 'Error Sending MFA Push Notification',
  },
  { code: 'gd_send_sms', category: 'other', reportable: true, description: 'MFA SMS Sent' },
  { code: 'gd_send_sms_failure', category: 'other', reportable: true, description: 'Error Sending MFA SMS' },
  { code: 'gd_send_voice', category: 'other', reportable: true, description: 'MFA voice call success' },
  { code: 'gd_send_voice_failure', category: 'other', reportable: true, description: 'MFA voice call failed' },
  { code: 'gd_start_auth', category: 'other', reportable: true, description: 'Second factor started' },
  { code: 'gd_start_enroll_failed', category: 'other', reportable: true, description: 'MFA Enrollment Failed' },
  { code: 'gd_tenant_update', category: 'other', reportable: true, description: 'Guardian tenant update' },
  {
    code: 'gd_webauthn_challenge_failed',
    category: 'other',
    reportable: true,
    description: 'WebAuthn browser error',
    detail: 'WebAuthn challenge failed',
  },
  {
    code: 'gd_webauthn_enrollment_failed',
    category: 'other',
    reportable: true,
    description: 'WebAuthn browser error',
    detail: 'WebAuthn enrollment failed',
  },
  { code: 'kms_key_management_failure', category: 'other', reportable: true, description: 'Failed KMS API Operation' },
  { code: 'kms_key_management_success', category: 'other', reportable: true, description: 'Success KMS API Operation' },
  { code: 'kms_key_state_changed', category: 'other', reportable: true, description: 'KMS Key State Change' },
  {
    code: 'limit_sul',
    category: 'other',
    reportable: true,
    description: 'Blocked Account',
    detail: 'Too many logins per time period from one IP address',
  },
  { code: 'mfar', category: 'other', reportable: true, description: 'MFA Required' },
  { code: 'organization_member_added', category: 'other', reportable: true, description: 'Organization Member Added' },
  { code: 'passkey_challenge_failed', category: 'other', reportable: true, description: 'Passkey Challenge Failed' },
  { code: 'passkey_challenge_started', category: 'other', reportable: true, description: 'Passkey Challenge Started' },
  { code: 'pla', category: 'other', reportable: true, description: 'Pre-login assessment' },
  { code: 'pwd_leak', category: 'other', reportable: true, description: 'Breached password' },
  { code: 'reset_pwd_leak', category: 'other', reportable: true, description: 'Breached Password on Reset' },
  { code: 'signup_pwd_leak', category: 'other', reportable: true, description: 'Breached Password on Signup' },
  { code: 'resource_cleanup', category: 'other', reportable: true, description: 'Success Resource Cleanup' },
  {
    code: 'rich_consents_access_error',
    category: 'other',
    reportable: true,
    description: 'Rich Consents Access Error',
  },
  { code: 'too_many_records', category: 'other', reportable: true, description: 'Max Amount of Authenticators' },
  { code: 'wn', category: 'other', reportable: true, description: 'Warning Sending Notification' },
  { code: 'wum', category: 'other', reportable: true, description: 'Warning User Management' },
] as const satisfies readonly LogTypeInfo[];

export type LogTypeCode = (typeof LOG_TYPES)[number]['code'];

/** A log stream filter (§8.1); only the `category` kind exists. */
export interface LogStreamFilter {
  type: 'category';
  name: string;
}

const byCode: ReadonlyMap<string, LogTypeInfo> = new Map(LOG_TYPES.map((row) => [row.code, row]));

const byCategory: ReadonlyMap<LogCategory, readonly LogTypeCode[]> = new Map(
  LOG_CATEGORIES.map((category) => [
    category,
    LOG_TYPES.filter((row) => row.category === category).map((row) => row.code),
  ]),
);

const categoryNames: ReadonlySet<string> = new Set(LOG_CATEGORIES);

export const isLogCategory = (name: string): name is LogCategory => categoryNames.has(name);

/** The catalogue entry of `code`; undefined for a code Roster does not know. */
export const logTypeOf = (code: string): LogTypeInfo | undefined => byCode.get(code);

/** The log stream filter category of `code`; `other` for unknown codes, as Auth0 files unclassified events. */
export const categoryOf = (code: string): LogCategory => byCode.get(code)?.category ?? 'other';

/** The known codes of `category`, in table order (unknown codes also fall under `other`, see `categoryOf`). */
export const codesInCategory = (category: LogCategory): readonly LogTypeCode[] => byCategory.get(category) ?? [];

/** Whether another service may report events of type `code`; false for unknown codes. */
export const isReportable = (code: string): boolean => byCode.get(code)?.reportable ?? false;

/** Log stream delivery rule: no filters means every event; otherwise the event's category must be one of them. */
export const matchesFilters = (code: string, filters: readonly LogStreamFilter[]): boolean => {
  if (filters.length === 0) return true;
  const category = categoryOf(code);
  return filters.some((filter) => filter.type === 'category' && filter.name === category);
};
