/**
 * Every error code Tenure throws, with its kind. The kind alone decides the HTTP status
 * (src/http/errors.ts) and the CLI exit code (src/cli/exit-codes.ts); `TenureError` only accepts
 * a code declared here, so a new code cannot ship without a kind. docs/error-codes.md is
 * generated from this table (scripts/error-codes-doc.ts).
 */

/** What went wrong, as a caller can act on it. */
export const ERROR_KINDS = {
  invalid: 'bad input: arguments, a request body, a file, a value out of range',
  unprocessable: 'the HR data given cannot be used as it is (fix the export and re-run)',
  not_found: 'the thing named does not exist',
  conflict: 'the action collides with the current state (already done, already exists, busy)',
  forbidden: 'the caller may not do this',
  unauthenticated: 'the caller could not be identified (no, bad, expired or revoked credentials)',
  throttled: 'too many attempts: wait `retry_after` seconds',
  too_large: 'the input is larger than allowed',
  unsupported_media_type: 'the body is not in a format the server reads',
  unavailable: 'a service Tenure needs is not reachable now: retry later',
  misconfigured:
    "the workspace's own set-up is wrong (tenure.yaml, secrets, files): for an operator",
  internal: 'an invariant broke inside Tenure or its store: for an operator (please report)',
  halted: 'an import stopped by the snapshot safety threshold',
  disk_full: 'the store is out of space; the interrupted change was rolled back',
} as const;

export type ErrorKind = keyof typeof ERROR_KINDS;

type Entry = { readonly kind: ErrorKind };

export const ERROR_CODES = {
  // agent: the on-prem agent, its enrollment and its signed protocol
  'agent.aborted': { kind: 'unavailable' },
  'agent.already_revoked': { kind: 'conflict' },
  'agent.bad_expiry': { kind: 'invalid' },
  /** The control plane answered something that is not its protocol. */
  'agent.bad_reply': { kind: 'unavailable' },
  'agent.bad_site': { kind: 'invalid' },
  'agent.bad_signature': { kind: 'unauthenticated' },
  'agent.binding_mismatch': { kind: 'unauthenticated' },
  'agent.ca_file': { kind: 'misconfigured' },
  'agent.config_invalid': { kind: 'misconfigured' },
  'agent.config_unreadable': { kind: 'misconfigured' },
  'agent.enrollment_invalid': { kind: 'unauthenticated' },
  'agent.expired': { kind: 'unauthenticated' },
  /** The control plane refused with a code this agent does not know (the message names it). */
  'agent.http_error': { kind: 'unavailable' },
  'agent.invalid': { kind: 'invalid' },
  'agent.key_invalid': { kind: 'misconfigured' },
  'agent.key_permissions': { kind: 'misconfigured' },
  'agent.not_enrolled': { kind: 'misconfigured' },
  'agent.not_found': { kind: 'not_found' },
  'agent.replayed': { kind: 'conflict' },
  'agent.revoked': { kind: 'unauthenticated' },
  'agent.secret_ref': { kind: 'misconfigured' },
  'agent.secret_unset': { kind: 'misconfigured' },
  'agent.state_invalid': { kind: 'misconfigured' },
  /** Not a failure: the agent was asked to stop (its exit code is 0). */
  'agent.stopped': { kind: 'internal' },
  'agent.unauthenticated': { kind: 'unauthenticated' },
  'agent.unknown': { kind: 'unauthenticated' },
  'agent.unreachable': { kind: 'unavailable' },
  'agent.wrong_site': { kind: 'forbidden' },
  // app: applications and their connectors
  'app.ldap_ca_file': { kind: 'misconfigured' },
  'app.ldap_tls': { kind: 'misconfigured' },
  'app.not_found': { kind: 'not_found' },
  'app.not_readable': { kind: 'invalid' },
  'app.unknown_connector': { kind: 'misconfigured' },
  // audit: the hash chain and its signing key
  'audit.bad_signing_key': { kind: 'misconfigured' },
  'audit.invalid_details': { kind: 'internal' },
  'audit.export_unreadable': { kind: 'invalid' },
  'audit.no_public_key': { kind: 'invalid' },
  'audit.no_signing_key': { kind: 'misconfigured' },
  // auth: sign-in, sessions, API tokens, roles
  'auth.busy': { kind: 'unavailable' },
  'auth.csrf': { kind: 'forbidden' },
  'auth.forbidden': { kind: 'forbidden' },
  'auth.invalid_credentials': { kind: 'unauthenticated' },
  'auth.no_rule': { kind: 'forbidden' },
  'auth.not_a_session': { kind: 'invalid' },
  'auth.oidc_failed': { kind: 'unauthenticated' },
  'auth.oidc_not_configured': { kind: 'not_found' },
  'auth.oidc_unavailable': { kind: 'unavailable' },
  'auth.oidc_user_unknown': { kind: 'forbidden' },
  'auth.password_login_disabled': { kind: 'forbidden' },
  'auth.throttled': { kind: 'throttled' },
  'auth.token_expired': { kind: 'unauthenticated' },
  'auth.token_invalid': { kind: 'unauthenticated' },
  'auth.token_owner_disabled': { kind: 'unauthenticated' },
  'auth.token_revoked': { kind: 'unauthenticated' },
  'auth.unauthenticated': { kind: 'unauthenticated' },
  // calendar: dates and time zones
  'calendar.invalid_date': { kind: 'invalid' },
  'calendar.invalid_time_zone': { kind: 'invalid' },
  // cli: command-line arguments (commander's own errors included)
  'cli.bad_argument': { kind: 'invalid' },
  'cli.bad_expiry': { kind: 'invalid' },
  'cli.bad_format': { kind: 'invalid' },
  'cli.bad_now': { kind: 'invalid' },
  'cli.bad_port': { kind: 'invalid' },
  'cli.bad_role': { kind: 'invalid' },
  'cli.bad_site': { kind: 'invalid' },
  'cli.bad_snapshot': { kind: 'invalid' },
  'cli.bad_task_id': { kind: 'invalid' },
  'cli.bad_timestamp': { kind: 'invalid' },
  'cli.bad_token_name': { kind: 'invalid' },
  'cli.excess_arguments': { kind: 'invalid' },
  'cli.missing_argument': { kind: 'invalid' },
  'cli.missing_command': { kind: 'invalid' },
  'cli.missing_option_value': { kind: 'invalid' },
  'cli.plan_file': { kind: 'invalid' },
  'cli.saved_plan_options': { kind: 'invalid' },
  'cli.tls_incomplete': { kind: 'invalid' },
  'cli.unknown_command': { kind: 'invalid' },
  'cli.unknown_option': { kind: 'invalid' },
  // config: tenure.yaml and what it references
  'config.invalid': { kind: 'misconfigured' },
  'config.invalid_yaml': { kind: 'misconfigured' },
  'config.oidc_insecure': { kind: 'misconfigured' },
  'config.secret_ref': { kind: 'misconfigured' },
  'config.secret_unset': { kind: 'misconfigured' },
  'config.tls_unreadable': { kind: 'misconfigured' },
  'config.unreadable': { kind: 'misconfigured' },
  // demo
  'demo.bad_clock': { kind: 'invalid' },
  'demo.dir_not_empty': { kind: 'invalid' },
  'demo.workspace_exists': { kind: 'invalid' },
  // hr: HR files and vendor APIs
  'hr.duplicate_columns': { kind: 'unprocessable' },
  'hr.empty_file': { kind: 'unprocessable' },
  'hr.header_only': { kind: 'unprocessable' },
  'hr.invalid_column_mapping': { kind: 'unprocessable' },
  'hr.invalid_encoding': { kind: 'unprocessable' },
  'hr.malformed_csv': { kind: 'unprocessable' },
  'hr.malformed_json': { kind: 'unprocessable' },
  'hr.missing_columns': { kind: 'unprocessable' },
  'hr.snapshot_drop': { kind: 'halted' },
  'hr.unreadable_file': { kind: 'unprocessable' },
  'hr.unsupported_format': { kind: 'unprocessable' },
  'hr.vendor_auth': { kind: 'unprocessable' },
  'hr.vendor_http': { kind: 'unprocessable' },
  'hr.vendor_response': { kind: 'unprocessable' },
  'hr.vendor_unavailable': { kind: 'unavailable' },
  // identity
  'identity.not_found': { kind: 'not_found' },
  // internal: what the server answers for anything unexpected
  internal: { kind: 'internal' },
  // job, ldap, plan, policy, reconcile
  'job.invalid_payload': { kind: 'internal' },
  'ldap.bad_dn': { kind: 'invalid' },
  'plan.invalid': { kind: 'invalid' },
  'plan.not_found': { kind: 'not_found' },
  'plan.stale': { kind: 'conflict' },
  'plan.tampered': { kind: 'invalid' },
  'plan.unknown_application': { kind: 'misconfigured' },
  'policy.bad_template': { kind: 'invalid' },
  'policy.unknown_application': { kind: 'invalid' },
  'policy.unknown_field': { kind: 'invalid' },
  'reconcile.bad_record': { kind: 'invalid' },
  'reconcile.duplicate_account': { kind: 'invalid' },
  'reconcile.empty_read': { kind: 'invalid' },
  // request: the HTTP request itself
  'request.bad': { kind: 'invalid' },
  'request.bad_cursor': { kind: 'invalid' },
  'request.bad_filename': { kind: 'invalid' },
  'request.bad_url': { kind: 'invalid' },
  'request.body_too_large': { kind: 'too_large' },
  'request.duplicate_json_key': { kind: 'invalid' },
  'request.invalid': { kind: 'invalid' },
  'request.malformed_json': { kind: 'invalid' },
  'request.not_found': { kind: 'not_found' },
  'request.unsupported_media_type': { kind: 'unsupported_media_type' },
  // review: access-review campaigns, their items, decisions and sign-offs
  'review.already_signed_off': { kind: 'conflict' },
  /** modify names no other entitlement of the item's application. */
  'review.bad_entitlement': { kind: 'invalid' },
  /** The campaign (or the item's stage) is closed: decisions are final. */
  'review.closed': { kind: 'conflict' },
  /** Someone changed the item since the caller read it (two decisions at once). */
  'review.decision_conflict': { kind: 'conflict' },
  'review.empty_population': { kind: 'invalid' },
  /** The item's holder left meanwhile: the leaver run removes their access, not a review. */
  'review.identity_left': { kind: 'conflict' },
  'review.invalid': { kind: 'invalid' },
  'review.item_not_found': { kind: 'not_found' },
  'review.justification_required': { kind: 'invalid' },
  'review.last_stage': { kind: 'conflict' },
  /** Nobody but the holder could review an item: the fallback reviewer is the holder too. */
  'review.no_reviewer': { kind: 'invalid' },
  'review.not_draft': { kind: 'conflict' },
  'review.not_found': { kind: 'not_found' },
  'review.not_your_item': { kind: 'forbidden' },
  'review.nothing_to_sign': { kind: 'conflict' },
  /** Sign-off's re-authentication failed (wrong password, no password for this user). */
  'review.reauth_failed': { kind: 'unauthenticated' },
  'review.self_review': { kind: 'forbidden' },
  'review.signed_off': { kind: 'conflict' },
  'review.template_not_found': { kind: 'not_found' },
  'review.undecided': { kind: 'conflict' },
  // run: sync runs and the run lock
  'run.in_progress': { kind: 'conflict' },
  'run.not_found': { kind: 'not_found' },
  'run.not_held': { kind: 'conflict' },
  'run.saved_plan_options': { kind: 'invalid' },
  // serve, service
  'serve.address_unavailable': { kind: 'invalid' },
  'serve.port_denied': { kind: 'invalid' },
  'serve.port_in_use': { kind: 'invalid' },
  'service.unavailable': { kind: 'unavailable' },
  // source: HR sources
  'source.no_delta': { kind: 'invalid' },
  'source.no_file': { kind: 'invalid' },
  'source.not_found': { kind: 'not_found' },
  'source.unknown_type': { kind: 'misconfigured' },
  // store: the database
  'store.bad_operation': { kind: 'internal' },
  'store.bad_timestamp': { kind: 'internal' },
  'store.bad_url': { kind: 'misconfigured' },
  'store.close_in_transaction': { kind: 'internal' },
  'store.disk_full': { kind: 'disk_full' },
  'store.duplicate_identity': { kind: 'internal' },
  'store.duplicate_operation_key': { kind: 'internal' },
  'store.enqueue_contended': { kind: 'internal' },
  'store.migrate_in_transaction': { kind: 'internal' },
  'store.migration_failed': { kind: 'internal' },
  'store.operation_not_found': { kind: 'internal' },
  'store.task_race': { kind: 'internal' },
  'store.unreachable': { kind: 'internal' },
  // task: manual tasks
  'task.already_closed': { kind: 'conflict' },
  'task.evidence_required': { kind: 'invalid' },
  'task.not_found': { kind: 'not_found' },
  // token: API tokens
  'token.bad_expiry': { kind: 'invalid' },
  'token.not_found': { kind: 'not_found' },
  'token.outlives_parent': { kind: 'invalid' },
  'token.outranks_parent': { kind: 'forbidden' },
  // user: local users
  'user.bad_username': { kind: 'invalid' },
  'user.exists': { kind: 'conflict' },
  'user.last_admin': { kind: 'conflict' },
  'user.not_found': { kind: 'not_found' },
  'user.outranks_token': { kind: 'forbidden' },
  'user.weak_password': { kind: 'invalid' },
  // webhook: HR webhooks
  'webhook.bad_signature': { kind: 'unauthenticated' },
  'webhook.invalid': { kind: 'invalid' },
  'webhook.replay': { kind: 'conflict' },
  'webhook.source_unavailable': { kind: 'unavailable' },
  'webhook.stale': { kind: 'unauthenticated' },
  'webhook.unknown_identity': { kind: 'not_found' },
  'webhook.unknown_source': { kind: 'not_found' },
  // workspace
  'workspace.exists': { kind: 'invalid' },
  'workspace.not_found': { kind: 'misconfigured' },
} as const satisfies Record<string, Entry>;

export type ErrorCode = keyof typeof ERROR_CODES;

export const isErrorCode = (code: string): code is ErrorCode => Object.hasOwn(ERROR_CODES, code);

export const kindOf = (code: ErrorCode): ErrorKind => ERROR_CODES[code].kind;
