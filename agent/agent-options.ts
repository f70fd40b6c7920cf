/**
 * Every setting of the agent, once: its flag, its environment variable, and what it means. The
 * parser (agent-config.ts) and `--help` (agent-help.ts) both read this table, so a setting cannot
 * be parsed without being documented, or documented without being parsed. To add a setting, add a
 * row here and read its value in readAgentConfig.
 */
export interface AgentOption {
  /** The field of the raw values the parser collects. */
  readonly key: string;
  readonly flag: `--${string}`;
  readonly env: string;
  /** The value's placeholder in --help; absent for a switch (`--opt-in`, `--opt-in=false`). */
  readonly value?: string;
  readonly required?: true;
  readonly summary: string;
  /** What applies when it is not set, in words for --help. */
  readonly default?: string;
}

export const AGENT_OPTIONS = [
  {
    key: 'url',
    flag: '--url',
    env: 'SIDETAIL_URL',
    value: 'URL',
    required: true,
    summary: 'the WebSocket URL of your Sidetail stage: ws://… or wss://…, no query string',
  },
  {
    key: 'token',
    flag: '--token',
    env: 'SIDETAIL_AGENT_TOKEN',
    value: 'TOKEN',
    required: true,
    summary:
      "this agent's credential, from `npm run credentials -- mint --agent <id>`; prefer the variable (flags show in ps)",
  },
  {
    key: 'agentId',
    flag: '--agent-id',
    env: 'SIDETAIL_AGENT_ID',
    value: 'ID',
    summary: "the agent id you expect: the credential decides it, and if it is another the agent stops",
    default: "the credential's",
  },
  {
    key: 'hostName',
    flag: '--host-name',
    env: 'SIDETAIL_HOST_NAME',
    value: 'NAME',
    summary: 'the host name the dashboard shows (at most 256 characters)',
    default: "the Docker engine's own name (docker info), since in a container the host name is its id",
  },
  {
    key: 'dockerHost',
    flag: '--docker-host',
    env: 'DOCKER_HOST',
    value: 'ADDRESS',
    summary: 'the Docker engine: unix:///path/to/docker.sock or tcp://host:port (e.g. a socket proxy)',
    default: 'unix:///var/run/docker.sock',
  },
  {
    key: 'optIn',
    flag: '--opt-in',
    env: 'SIDETAIL_OPT_IN',
    summary:
      'show and stream only containers labelled sidetail.enable=true; without it, all but those labelled sidetail.enable=false',
    default: 'false',
  },
  {
    key: 'maxBufferBytes',
    flag: '--max-buffer-bytes',
    env: 'SIDETAIL_MAX_BUFFER_BYTES',
    value: 'SIZE',
    summary:
      'the bound on log bytes the agent holds across all containers (e.g. 64m, 512k; at least 256k); above it Docker streams pause and Docker\'s log is the spool (docs/reliability.md)',
    default: '64m',
  },
  {
    key: 'maxLineBytes',
    flag: '--max-line-bytes',
    env: 'SIDETAIL_MAX_LINE_BYTES',
    value: 'SIZE',
    summary:
      'the longest log line kept whole (UTF-8 bytes, e.g. 64k; 1k to 256k); a longer line is cut on a character boundary, flagged with its original size',
    default: '256k',
  },
  {
    key: 'connectionMaxAge',
    flag: '--connection-max-age',
    env: 'SIDETAIL_CONNECTION_MAX_AGE',
    value: 'MINUTES',
    summary:
      'replace the connection to the cloud by this age, up to 5 minutes earlier at random (API Gateway closes every connection at 120 minutes)',
    default: '110',
  },
] as const satisfies readonly AgentOption[];

export type AgentOptionKey = (typeof AGENT_OPTIONS)[number]['key'];

/** Flags that are commands rather than settings. */
export const HELP_FLAGS = ['--help', '-h'] as const;
export const VERSION_FLAG = '--version';
