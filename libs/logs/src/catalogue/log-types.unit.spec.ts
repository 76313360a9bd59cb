import {
  LOG_CATEGORIES,
  LOG_TYPES,
  type LogCategory,
  categoryOf,
  codesInCategory,
  isLogCategory,
  isReportable,
  logTypeOf,
  matchesFilters,
} from './log-types';

/** Every code reference/auth0-domain.md §7.1 names. */
const REFERENCE_CODES = [
  ...['s', 'f', 'fp', 'fu', 'fc', 'fco', 'scoa', 'fcoa', 'ssa', 'fsa', 'w', 'mfar', 'sens', 'fens', 'pla'],
  ...['slo', 'flo', 'oidc_backchannel_logout_succeeded', 'oidc_backchannel_logout_failed'],
  ...['universal_logout_succeeded', 'universal_logout_failed', 'federated_logout_failed'],
  ...['ss', 'fs', 'signup_pwd_leak'],
  ...['seacft', 'feacft', 'seccft', 'feccft', 'sepft', 'fepft', 'sertft', 'fertft', 'ferrt', 'sede', 'fede'],
  ...['seoobft', 'feoobft', 'seotpft', 'feotpft', 'sercft', 'fercft', 'fepotpft', 'secte', 'fecte', 'seta', 'feta'],
  ...['ciba_exchange_succeeded', 'ciba_exchange_failed', 'jwt_bearer_exchange_failed'],
  ...['idjag_exchange_succeeded', 'idjag_exchange_failed'],
  ...['scp', 'fcp', 'scpr', 'fcpr', 'sce', 'fce', 'scu', 'fcu', 'scpn', 'fcpn', 'sv', 'fv', 'svr', 'fvr'],
  ...['sdu', 'fdu', 'srrt', 'cs', 'cls', 'sui', 'fui', 'sd', 'fd'],
  ...['sapi', 'mgmt_api_read', 'fapi'],
  ...['api_limit', 'api_limit_warning', 'limit_wc', 'limit_mu', 'limit_sul', 'limit_delegation'],
  ...['pwd_leak', 'reset_pwd_leak', 'ublkdu', 'appi'],
  ...['gd_auth_succeed', 'gd_auth_failed', 'gd_auth_rejected', 'gd_enrollment_complete', 'gd_start_enroll'],
  ...['gd_unenroll', 'gd_send_sms', 'gd_send_pn', 'gd_otp_rate_limit_exceed', 'gd_recovery_succeed'],
  ...['gd_recovery_failed', 'depnote', 'coff', 'con', 'fcpro', 'sys_update_start', 'sys_update_end'],
  ...['admin_update_launch', 'actions_execution_failed', 'sscim', 'fscim'],
];

/** §8.1 filter categories and the codes listed for them (user.* as on Auth0's log stream filter page). */
const CATEGORY_CODES: ReadonlyArray<[LogCategory, string[]]> = [
  ['auth.login.fail', ['f', 'fc', 'fco', 'fcoa', 'fens', 'fp', 'fu']],
  ['auth.login.success', ['s', 'scoa', 'sens']],
  ['auth.login.notification', ['w']],
  ['auth.logout.fail', ['flo', 'oidc_backchannel_logout_failed']],
  ['auth.logout.success', ['slo', 'oidc_backchannel_logout_succeeded']],
  ['auth.signup.fail', ['fs']],
  ['auth.signup.success', ['ss']],
  ['auth.silent_auth.fail', ['fsa']],
  ['auth.silent_auth.success', ['ssa']],
  [
    'auth.token_exchange.fail',
    ['feacft', 'feccft', 'fede', 'feoobft', 'feotpft', 'fepft', 'fepotpft', 'fercft', 'ferrt', 'fertft'],
  ],
  ['auth.token_exchange.success', ['seacft', 'seccft', 'sede', 'seoobft', 'seotpft', 'sepft', 'sercft', 'sertft']],
  ['management.success', ['sapi', 'mgmt_api_read']],
  ['management.fail', ['fapi']],
  [
    'system.notification',
    [
      ...['api_limit', 'coff', 'con', 'depnote', 'fcpro', 'fui', 'limit_delegation', 'limit_mu', 'limit_wc'],
      ...['sys_os_update_start', 'sys_os_update_end', 'sys_update_start', 'sys_update_end', 'admin_update_launch'],
    ],
  ],
  [
    'user.fail',
    ['fce', 'fcp', 'fcpn', 'fcpr', 'fcu', 'fd', 'fdeaz', 'fdecc', 'fdu', 'fn', 'fv', 'fvr', 'ss_sso_failure'],
  ],
  [
    'user.notification',
    ['cs', 'gd_enrollment_complete', 'gd_start_enroll', 'gd_unenroll', 'gd_update_device_account', 'ublkdu'],
  ],
  ['user.success', ['sce', 'scp', 'scpn', 'scpr', 'scu', 'sdu', 'srrt', 'ss_sso_success', 'sui', 'sv', 'svr']],
  ['scim.event', ['sscim', 'fscim']],
  ['actions', ['actions_execution_failed']],
];

/** The types Roster emits itself; nobody else may report them. */
const ROSTER_OWN = ['sapi', 'fapi', 'mgmt_api_read', 'seccft', 'feccft', 'api_limit', 'api_limit_warning'];

describe('LOG_TYPES', () => {
  it('lists each code once, with a category from LOG_CATEGORIES and a description', () => {
    const codes = LOG_TYPES.map((row) => row.code);
    expect(codes.filter((code, i) => codes.indexOf(code) !== i)).toEqual([]);
    for (const row of LOG_TYPES) {
      expect({ code: row.code, known: (LOG_CATEGORIES as readonly string[]).includes(row.category) }).toEqual({
        code: row.code,
        known: true,
      });
      expect(row.description.trim()).not.toBe('');
    }
  });

  it('holds every code the reference names', () => {
    expect(REFERENCE_CODES.filter((code) => logTypeOf(code) === undefined)).toEqual([]);
  });

  it.each(CATEGORY_CODES)('files the codes §8.1 lists for %s under it', (category, codes) => {
    expect(codes.filter((code) => categoryOf(code) !== category)).toEqual([]);
    expect(codesInCategory(category)).toEqual(expect.arrayContaining(codes));
  });

  it('gives every category at least one code, and codesInCategory partitions the table', () => {
    const all = LOG_CATEGORIES.flatMap((category) => {
      expect({ category, codes: codesInCategory(category).length > 0 }).toEqual({ category, codes: true });
      return codesInCategory(category);
    });
    expect([...all].sort()).toEqual(LOG_TYPES.map((row) => row.code).sort());
  });

  it('describes codes as Auth0 does', () => {
    expect(logTypeOf('s')).toEqual({
      code: 's',
      category: 'auth.login.success',
      reportable: true,
      description: 'Success Login',
    });
    expect(logTypeOf('fp')?.description).toBe('Failed Login (Incorrect Password)');
    expect(logTypeOf('seccft')).toMatchObject({
      description: 'Success Exchange',
      detail: 'Client Credentials for Access Token',
    });
    expect(logTypeOf('sapi')?.description).toBe('Success API Operation');
    expect(logTypeOf('fapi')).toMatchObject({ description: 'Failed API Operation', category: 'management.fail' });
  });
});

describe('reportable types', () => {
  it('refuses the types Roster emits itself, and unknown ones', () => {
    expect(ROSTER_OWN.filter(isReportable)).toEqual([]);
    expect(isReportable('not_a_code')).toBe(false);
  });

  it('accepts user-facing authentication types from other services', () => {
    const userFacing = [
      ...['s', 'f', 'fp', 'fu', 'fc', 'fco', 'scoa', 'fcoa', 'ssa', 'fsa', 'w', 'mfar', 'sens', 'fens'],
      ...['slo', 'flo', 'ss', 'fs', 'scp', 'fcp', 'scpr', 'fcpr', 'sce', 'fce', 'scu', 'fcu', 'scpn', 'fcpn'],
      ...['sv', 'fv', 'svr', 'fvr', 'sdu', 'fdu', 'gd_auth_succeed', 'gd_enrollment_complete', 'limit_wc', 'limit_mu'],
      ...['seacft', 'feacft', 'sepft', 'fepft', 'sertft', 'fertft', 'ferrt'],
    ];
    expect(userFacing.filter((code) => !isReportable(code))).toEqual([]);
  });

  it('leaves exactly Roster’s own types unreportable', () => {
    expect(LOG_TYPES.filter((row) => !row.reportable).map((row) => row.code)).toEqual(
      expect.arrayContaining(ROSTER_OWN),
    );
    expect(LOG_TYPES.filter((row) => !row.reportable)).toHaveLength(ROSTER_OWN.length);
  });
});

describe('categories and log stream filters', () => {
  const category = (name: string) => ({ type: 'category' as const, name });

  it('files unknown codes under other', () => {
    expect(categoryOf('not_a_code')).toBe('other');
    expect(logTypeOf('not_a_code')).toBeUndefined();
  });

  it('recognises category names', () => {
    expect(LOG_CATEGORIES.every(isLogCategory)).toBe(true);
    expect(isLogCategory('auth.login')).toBe(false);
  });

  it('lets everything through when there are no filters', () => {
    expect(matchesFilters('sapi', [])).toBe(true);
    expect(matchesFilters('not_a_code', [])).toBe(true);
  });

  it('lets an event through when its category is one of the filters', () => {
    const filters = [category('auth.login.fail'), category('management.success')];
    expect(matchesFilters('fp', filters)).toBe(true);
    expect(matchesFilters('sapi', filters)).toBe(true);
    expect(matchesFilters('s', filters)).toBe(false);
    expect(matchesFilters('feccft', filters)).toBe(false);
  });

  it('routes unknown codes to the other filter only', () => {
    expect(matchesFilters('not_a_code', [category('other')])).toBe(true);
    expect(matchesFilters('gd_auth_succeed', [category('other')])).toBe(true);
    expect(matchesFilters('not_a_code', [category('auth.login.fail')])).toBe(false);
  });

  it('matches nothing with a filter naming no category', () => {
    expect(matchesFilters('s', [category('auth.login')])).toBe(false);
  });
});
