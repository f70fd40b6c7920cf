/** The dashboard closing its gaps by itself, with the calm local gateway. */
import { describeDashboardGaps } from './dashboard-gaps-spec';

describeDashboardGaps({ name: 'calm gateway' });
