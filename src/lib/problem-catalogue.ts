/**
 * Every problem `code` the gateway answers, described once: `GET /problems/{code}` serves these,
 * so the `type` URI of every problem (`/problems/<code>`) resolves to a page saying what it means
 * and what to do. test/problems.test.ts fails when a code is thrown somewhere but missing here.
 */
export interface ProblemDoc {
  status: number;
  title: string;
  /** What happened and what the caller should do. */
  description: string;
}

const retry = 'Nothing was changed; retry later with the same Idempotency-Key.';

export const PROBLEM_CATALOGUE: Record<string, ProblemDoc> = {
  validation_failed: { status: 400, title: 'Invalid request', description: 'The request does not fit the schema; `errors[]` names each field, the rule it broke and why. Fix the request and send it again.' },
  malformed_request: { status: 400, title: 'Malformed request', description: 'The HTTP request could not be parsed (request line, headers or JSON). Nothing was read or written.' },
  http: { status: 400, title: 'HTTP error', description: 'An HTTP-level refusal before any route ran; the status says which.' },
  http_error: { status: 400, title: 'HTTP error', description: 'An HTTP-level refusal before any route ran; the status says which.' },
  unauthorized: { status: 401, title: 'Authentication required', description: 'Send `Authorization: Bearer <token>` with a valid token of an active provider (or operator). Revoked or expired credentials and deactivated providers are refused; ask the gateway operators.' },
  callback_rejected: { status: 401, title: 'Callback signature refused', description: 'A platform callback whose signature, timestamp or sender does not verify. Nothing is stored.' },
  csrf_token_invalid: { status: 403, title: 'Console form token missing or wrong', description: 'A console form was sent without the form token of the operator’s session, or with another session’s (an old tab after signing in again). Nothing was done: reload the page and send the form again.' },
  cross_site_form: { status: 403, title: 'Console form sent from another site', description: 'A console form arrived with an Origin other than the console’s own: another site tried to act with the operator’s session. Nothing was done.' },
  forbidden: { status: 403, title: 'Not allowed', description: 'The token is of the wrong kind for this route (a provider token on /v1/ops, or the reverse).' },
  not_found: { status: 404, title: 'Not found', description: 'The thing named in the path does not exist, or is not yours (another provider’s is answered the same).' },
  route_not_found: { status: 404, title: 'No such route', description: 'No route has this method and path; see /docs.' },
  method_not_allowed: { status: 405, title: 'Method not allowed', description: 'The path exists with other methods; the `Allow` header lists them.' },
  request_timeout: { status: 408, title: 'Request timeout', description: 'The request was not received in time. Send it again.' },
  idempotency_key_in_progress: { status: 409, title: 'Same Idempotency-Key still running', description: 'A first request with this key has not finished. Retry shortly with the same key; you will get its answer.' },
  voucher_already_redeemed: { status: 409, title: 'Voucher already redeemed', description: 'The voucher was redeemed before (the answer names the enrollment when it is yours). Use GET /v1/enrollments/{id}.' },
  redemption_in_progress: { status: 409, title: 'Redemption in progress', description: 'Another attempt for this voucher is being processed. Retry after `Retry-After` seconds.' },
  secret_shown_once: { status: 409, title: 'Signing secret already shown', description: 'This Idempotency-Key already created or rotated a webhook signing secret, which is shown only once. Use a new key to rotate again; the endpoint itself is unchanged by this answer.' },
  redeem_code_already_used: { status: 409, title: 'Redeem code already used', description: 'The redeem code was already committed for this session. Each session is used once.' },
  training_finished: { status: 409, title: 'Training already finished', description: 'A completion was reported; progress can no longer be added.' },
  progress_conflict: { status: 409, title: 'Session already reported with another attendedAt', description: 'The same session was reported before with another date (`reportedAttendedAt`). The identical report is accepted again; a different one is refused so a disagreement is not hidden.' },
  completion_conflict: { status: 409, title: 'A different completion was reported', description: 'A completion is applied once; the identical one again changes nothing, a different one is refused.' },
  name_not_held: { status: 409, title: 'Name matched', description: 'The enrollment’s name check matched; there is nothing to accept.' },
  name_already_accepted: { status: 409, title: 'Name already accepted', description: 'An operator already accepted this name pair.' },
  already_resolved: { status: 409, title: 'Already resolved', description: 'The finding was resolved before.' },
  already_delivered: { status: 409, title: 'Already delivered', description: 'The delivery succeeded; there is nothing to re-drive.' },
  delivery_in_progress: { status: 409, title: 'Delivery in progress', description: 'A dispatcher is attempting this delivery right now; try again once it settles.' },
  endpoint_disabled: { status: 409, title: 'Endpoint disabled', description: 'The webhook endpoint is disabled; enable it first.' },
  provider_exists: { status: 409, title: 'Provider exists', description: 'A provider with this id exists; change it with PATCH /v1/ops/providers/{id}.' },
  no_previous_sign_key: { status: 409, title: 'No previous sign key', description: 'There is no replaced prakerja.go.id key within its overlap window to switch back to; set a new key instead.' },
  credential_shown_once: { status: 409, title: 'Credential already issued for this request', description: 'A credential’s token is shown only in the first answer. If it was lost, revoke that credential and issue another with a new Idempotency-Key.' },
  credential_already_revoked: { status: 409, title: 'Credential already revoked', description: 'The credential was revoked before.' },
  payload_too_large: { status: 413, title: 'Payload too large', description: 'The body is larger than the route accepts (`MAX_BODY_BYTES`; 16 MiB for the batch). Nothing was read.' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type', description: 'Bodies must be `application/json` (optionally `; charset=utf-8`).' },
  idempotency_key_reused: { status: 422, title: 'Idempotency-Key reused with another body', description: 'A key identifies one request: use a new key for a new request.' },
  name_mismatch: { status: 422, title: 'Name mismatch', description: 'The participant’s name does not match the platform’s buyer (and prakerja.go.id’s) closely enough; the answer gives the score and why. Nothing was consumed.' },
  platform_ambiguous: { status: 422, title: 'Which platform?', description: 'The voucher code fits more than one platform’s format; send `platform` (field `platform` in errors[]).' },
  voucher_format_unknown: { status: 422, title: 'Unknown voucher format', description: 'The code fits no platform’s format; check what the participant typed, or send `platform`.' },
  unknown_voucher: { status: 422, title: 'Unknown voucher', description: 'The platform does not know this voucher.' },
  voucher_not_found: { status: 422, title: 'Voucher not found', description: 'The platform does not know this voucher code.' },
  voucher_expired: { status: 422, title: 'Voucher expired', description: 'The voucher’s validity ended; it cannot be redeemed.' },
  voucher_refunded: { status: 422, title: 'Voucher refunded', description: 'The purchase was refunded; the voucher cannot be redeemed.' },
  voucher_not_for_provider: { status: 422, title: 'Voucher for another provider', description: 'The voucher is for a course of another training provider.' },
  card_mismatch: { status: 422, title: 'Card number mismatch', description: 'The Kartu Prakerja number is not the one the voucher was bought with.' },
  card_revoked: { status: 422, title: 'Card revoked', description: 'prakerja.go.id says this Kartu Prakerja is revoked.' },
  participant_not_registered: { status: 422, title: 'Participant not registered', description: 'prakerja.go.id does not know this card number.' },
  platform_rejected_request: { status: 422, title: 'Refused by the platform', description: 'The platform refused the request as invalid; its message is in `detail`.' },
  completed_before_redemption: { status: 422, title: 'Completion before the redemption', description: '`completedAt` must not be before the redemption.' },
  completed_in_future: { status: 422, title: 'Completion in the future', description: '`completedAt` must not be in the future.' },
  attended_before_redemption: { status: 422, title: 'Session before the redemption', description: '`attendedAt` must not be before the redemption, as for completions.' },
  certificate_required: { status: 422, title: 'Certificate required', description: 'A pass needs a certificate.' },
  certificate_not_allowed: { status: 422, title: 'No certificate for a fail', description: 'A fail has no certificate; leave it out.' },
  redeem_code_outside_webinar_window: { status: 422, title: 'Outside the webinar’s window', description: 'A webinar’s redeem code is valid from one hour before to one hour after the session starts (`opensAt`, `closesAt`).' },
  redeem_code_not_found: { status: 422, title: 'Redeem code not found', description: 'prakerja.go.id does not know this redeem code for this session.' },
  redeem_code_wrong_training_type: { status: 422, title: 'Redeem code of another training type', description: 'prakerja.go.id says the redeem code is for another type of training.' },
  redeem_code_other_provider: { status: 422, title: 'Redeem code of another provider', description: 'The redeem code belongs to another training provider.' },
  redeem_code_cancelled: { status: 422, title: 'Redeem code cancelled', description: 'prakerja.go.id cancelled this redeem code.' },
  redeem_code_transaction_cancelled: { status: 422, title: 'Transaction cancelled', description: 'The purchase behind the redeem code was cancelled.' },
  rate_limited: {
    status: 429,
    title: 'Too many requests',
    description:
      'The caller’s limit for this class of operation (`limitClass`: redemptions, writes, reads, batch, ops; callbacks per source address) is reached in the current window; nothing of the request was done. Wait `Retry-After` seconds (the window’s end) and send it again with the same Idempotency-Key. Every answer carries `RateLimit-Policy` (quota `q` per window `w` seconds) and `RateLimit` (remaining `r`, seconds to reset `t`) so a client can pace itself before it is refused.',
  },
  request_header_fields_too_large: { status: 431, title: 'Headers too large', description: 'The request’s headers are larger than the server accepts.' },
  internal_error: { status: 500, title: 'Internal error', description: 'Something failed on the gateway’s side; it was logged with the `x-request-id`. Retry with the same Idempotency-Key.' },
  platform_auth_failed: { status: 502, title: 'Platform refused the gateway’s credentials', description: 'The gateway’s configuration for the platform is wrong; tell the operators.' },
  platform_bad_response: { status: 502, title: 'Platform answered outside its contract', description: `The platform’s answer could not be understood. ${retry}` },
  starting: { status: 503, title: 'Starting', description: 'The gateway is starting (migrations); retry in a second.' },
  database_unavailable: { status: 503, title: 'Database unavailable', description: `The database cannot be reached. ${retry}` },
  partner_unavailable: {
    status: 503,
    title: 'Partner unavailable',
    description:
      'A platform or prakerja.go.id (`platform`) is down, answering 5xx, rate-limiting the gateway, not answering in time, or already has as many calls from the gateway as it accepts (`reason`: unreachable, rate_limited, timeout, saturated). Retry after `Retry-After` seconds with the same Idempotency-Key: nothing was changed, or, when the partner may have acted (a redeem that timed out), the retry finishes it without doing it twice.',
  },
  prakerja_credentials_missing: { status: 503, title: 'prakerja.go.id credentials missing', description: 'The provider has no prakerja.go.id client code or sign key configured; operators set them with PATCH /v1/ops/providers/{id}.' },
  redemption_not_recorded: { status: 503, title: 'Redemption not recorded yet', description: 'The platform redeemed the voucher but the gateway could not record it yet. Retry after `Retry-After`: the next attempt finishes it and answers the enrollment.' },
};
