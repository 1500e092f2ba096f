import { describePlatformDeliveredFlow } from '../support/platform-delivered-flow.js';
import { useWorld } from '../support/world.js';

// Pijar Mahir reports progress in modules (of 8).
describePlatformDeliveredFlow(useWorld(), 'pijarmahir', [3, 8]);
