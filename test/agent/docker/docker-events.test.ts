import { describe, expect, it } from 'vitest';
import { DockerEventParser } from '../../../agent/docker/docker-events';
import type { ContainerEvent } from '../../../agent/docker/container-source';
import { cutAt } from '../support/docker-bytes';

async function parse(chunks: Buffer[]): Promise<ContainerEvent[]> {
  const parser = new DockerEventParser();
  const events: ContainerEvent[] = [];
  parser.on('data', (event: ContainerEvent) => events.push(event));
  for (const chunk of chunks) parser.write(chunk);
  parser.end();
  await new Promise((resolve) => parser.once('end', resolve));
  return events;
}

const body = Buffer.from(
  [
    JSON.stringify({ Type: 'container', Action: 'start', Actor: { ID: 'abc', Attributes: { name: 'web' } } }),
    JSON.stringify({ Type: 'network', Action: 'connect', Actor: { ID: 'net1' } }),
    JSON.stringify({ Type: 'container', Action: 'health_status: healthy', Actor: { ID: 'abc' } }),
    'not json',
    JSON.stringify({ Type: 'container', Action: 'destroy', id: 'def' }),
  ].join('\n') + '\n',
);

describe('DockerEventParser', () => {
  it('turns newline-delimited JSON into container events, skipping other types and bad lines', async () => {
    expect(await parse([body])).toEqual([
      { action: 'start', containerId: 'abc' },
      { action: 'health_status', containerId: 'abc' },
      { action: 'destroy', containerId: 'def' },
    ]);
  });

  it('reads events cut across chunks anywhere', async () => {
    const expected = await parse([body]);

    for (let offset = 0; offset <= body.length; offset += 7) {
      expect(await parse(cutAt(body, offset))).toEqual(expected);
    }
  });
});
