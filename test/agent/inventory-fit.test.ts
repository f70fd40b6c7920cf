import { describe, expect, it } from 'vitest';
import { MAX_INVENTORY_CONTAINERS, fitInventory } from '../../agent/inventory-fit';
import { AgentRegister, MAX_INVENTORY_BYTES, MAX_MESSAGE_BYTES, byteLength, decode, encode, type ContainerInfo } from '../../protocol';

const ENVELOPE = { action: 'agent.register' as const, hostName: 'box-1', agentVersion: '0.1.0' };

function container(i: number, state = 'running'): ContainerInfo {
  return { id: `c${i}`, name: `name-${'n'.repeat(200)}-${i}`, image: 'i'.repeat(100), state, status: 'Up', createdAt: i, tty: false };
}

describe('fitInventory', () => {
  it('keeps every container when the message fits', () => {
    const containers = [container(1), container(2, 'exited')];

    expect(fitInventory(containers)).toEqual({ containers, omitted: 0 });
  });

  it('leaves out what would take the list past MAX_INVENTORY_BYTES, keeping running and newest containers first', () => {
    const containers = Array.from({ length: 900 }, (_, i) => container(i, i % 2 === 0 ? 'running' : 'exited'));

    const { containers: kept, omitted } = fitInventory(containers);
    const message = { ...ENVELOPE, containers: kept };

    expect(omitted).toBeGreaterThan(0);
    expect(kept.length + omitted).toBe(900);
    expect(byteLength(JSON.stringify(kept))).toBeLessThanOrEqual(MAX_INVENTORY_BYTES);
    expect(byteLength(encode(message))).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(decode(AgentRegister, encode(message)).ok).toBe(true);
    expect(kept.every((c) => c.state === 'running')).toBe(true);
    expect(kept.at(-1)!.id).toBe('c898');
  });

  it(`keeps at most ${MAX_INVENTORY_CONTAINERS} containers`, () => {
    const tiny = Array.from({ length: 1200 }, (_, i): ContainerInfo => ({ id: `c${i}`, name: 'n', image: 'i', state: 'running', status: '', createdAt: i, tty: false }));

    expect(fitInventory(tiny).containers).toHaveLength(MAX_INVENTORY_CONTAINERS);
  });
});
