import { describePlatformDeliveredFlow } from '../support/platform-delivered-flow.js';
import { useWorld } from '../support/world.js';

// Pintaria reports a completion rate (kept in hundredths); its buyer is the prakerja.go.id account
// itself, so the name on it cannot differ and the mismatch case does not apply.
describePlatformDeliveredFlow(useWorld(), 'pintaria', [35, 100], { buyerIsPrakerjaAccount: true });
