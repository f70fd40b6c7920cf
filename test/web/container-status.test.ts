import { describe, expect, it } from 'vitest';
import { containerStatusLabel } from '../../web/src/format/container-status';

const T1 = '2026-11-25T10:00:00.000Z';
const online = { online: true, updatedAt: T1 };
const offline = { online: false, updatedAt: T1 };

describe('containerStatusLabel', () => {
  it.each([
    ['running', 'Up 6 seconds', 'running'],
    ['running', 'Up 2 hours (healthy)', 'running · healthy'],
    ['running', 'Up 3 seconds (health: starting)', 'running · health: starting'],
    ['exited', 'Exited (137) 5 minutes ago', 'exited (137)'],
    ['exited', 'Exited 5 minutes ago', 'exited'],
    ['paused', 'Up 1 minute (Paused)', 'paused'],
    ['restarting', 'Restarting (1) 2 seconds ago', 'restarting'],
    ['created', 'Created', 'created'],
    ['', '', 'unknown'],
  ])('says %j (Docker: %j) as %j, with no relative time in it', (state, status, text) => {
    expect(containerStatusLabel({ state, status }, online).text).toBe(text);
  });

  it("keeps Docker's own words and when the agent saw them, when that is known, for the tooltip", () => {
    const label = containerStatusLabel({ state: 'running', status: 'Up 6 seconds' }, online, Date.parse(T1));

    expect(label.title).toBe(`Docker reported "Up 6 seconds" at ${T1}`);
  });

  it('claims no time for Docker\'s words when it is not known (a container listed by an inventory answer)', () => {
    const label = containerStatusLabel({ state: 'running', status: 'Up 6 seconds' }, online);

    expect(label.title).toBe('Docker reported "Up 6 seconds"');
  });

  it('says "last seen" for a container of an offline host', () => {
    const label = containerStatusLabel({ state: 'running', status: 'Up 6 seconds' }, offline);

    expect(label.text).toBe('last seen running');
  });
});
