/** Reported in agent.register; keep in step with package.json's version. */
export const AGENT_VERSION = '0.1.0';
