/** The local cloud's opt-in meter counts what the real handlers cost at every boundary. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCloud, type LocalCloud } from '../../../infra/local/cloud';
import { silentLogger } from '../../../infra/local/logger';
import { LocalMeter, totalMessages } from '../../../infra/local/metering/local-meter';
import { ViewerClient } from '../../support/viewer-client';

let cloud: LocalCloud;
const meter = new LocalMeter();
beforeAll(async () => {
  cloud = await startLocalCloud({ meter, logger: silentLogger });
});
afterAll(() => cloud.stop());

describe('startLocalCloud({ meter })', () => {
  it('counts a viewer’s connect and inventory.get: invocations per route, messages per role, and the DynamoDB capacity the handlers consumed', async () => {
    const viewer = await ViewerClient.connect(cloud.wsUrl, cloud.viewerToken);
    viewer.send({ action: 'inventory.get' });
    await viewer.waitFor((m) => m.action === 'inventory' && m.done);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await viewer.close();

    const reading = meter.read();
    expect(reading.invocations.$authorizer?.count).toBe(1);
    expect(reading.invocations.$connect?.count).toBe(1);
    expect(reading.invocations['inventory.get']?.count).toBe(1);
    expect(reading.messages.in.viewer?.messages).toBe(1);
    expect(reading.messages.out.viewer?.messages).toBeGreaterThanOrEqual(1);
    expect(totalMessages(reading).units).toBeGreaterThanOrEqual(2);
    expect(reading.writeUnits).toBeGreaterThan(0); // $connect records the connection
    expect(reading.readUnits).toBeGreaterThan(0); // the credential, the hosts
    expect(reading.connectionMinutes).toBeGreaterThan(0);
  });
});
