import { describePlatformDeliveredFlow } from '../support/platform-delivered-flow.js';
import { useWorld } from '../support/world.js';

// Sekolahmu reports progress in percent; the name reconciled is its account's.
describePlatformDeliveredFlow(useWorld(), 'sekolahmu', [40, 100]);
