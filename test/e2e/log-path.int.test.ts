/** The end-to-end path with the calm local gateway: one connection's messages in arrival order. */
import { describeLogPath } from './log-path-spec';

describeLogPath({ name: 'calm gateway' });
