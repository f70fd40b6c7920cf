/** `sidetail-agent --help`: every flag with its environment variable, from the one table of options. */
import { AGENT_OPTIONS, type AgentOption } from './agent-options';
import { AGENT_VERSION } from './agent-version';

const WIDTH = 96;
const INDENT = '      ';

export function agentHelp(): string {
  const options = (AGENT_OPTIONS as readonly AgentOption[]).flatMap((option) => describe(option));
  return [
    `Sidetail agent ${AGENT_VERSION}: follows this host's Docker containers and streams the watched ones' logs`,
    'to your Sidetail stage. Every flag has an environment variable; a flag wins over its variable.',
    '',
    'Usage: sidetail-agent [options]',
    '',
    'Options:',
    ...options,
    '  --help, -h',
    `${INDENT}print this and exit`,
    '  --version',
    `${INDENT}print the agent's version and exit`,
    '',
    'Containers: a container labelled sidetail.enable=false is never listed, streamed or named to the',
    'cloud; with --opt-in only those labelled sidetail.enable=true are.',
    '',
  ].join('\n');
}

function describe(option: AgentOption): string[] {
  const head = `  ${option.flag}${option.value ? ` ${option.value}` : ''}  ${option.env}${option.required ? '  (required)' : ''}`;
  const text = option.default === undefined ? option.summary : `${option.summary}; default: ${option.default}`;
  return [head, ...wrap(text, WIDTH - INDENT.length).map((line) => `${INDENT}${line}`)];
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
