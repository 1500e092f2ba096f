/**
 * Canonical types, as the domain sees them. They are defined in the contract shared with the
 * adapters (src/contract); the platform ids are derived from the registry's definitions.
 */
export { PLATFORM_IDS } from '../../adapters/registry.js';
export { ENROLLMENT_STATES, DELIVERY_SHAPES } from '../contract/canonical.js';
export type { CanonicalVoucher, DeliveryShape, EnrollmentState, EventSource, Participant, PlatformId } from '../contract/canonical.js';
