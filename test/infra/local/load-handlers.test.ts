import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HandlerModuleError, loadHandlers } from '../../../infra/local/load-handlers';

const env = {
  TABLE_NAME: 'load-handlers-test',
  DYNAMODB_ENDPOINT: 'http://127.0.0.1:1',
  CONNECTIONS_ENDPOINT: 'http://127.0.0.1:2/local',
};

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sidetail-handlers-'));
  // A handler that reports the configuration it saw when its module was evaluated.
  await writeFile(
    join(root, 'connect.mjs'),
    'const seen = process.env.TABLE_NAME;\nexport const handler = async () => ({ statusCode: 200, body: seen });\n',
  );
  await writeFile(join(root, 'ping.mjs'), 'export const handler = async () => ({ statusCode: 204 });\n');
  await writeFile(join(root, 'no-handler.mjs'), 'export const other = 1;\n');
  await writeFile(join(root, 'broken.mjs'), 'throw new Error("module init failed");\n');
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('loadHandlers', () => {
  it('imports each route\'s module after setting the environment it reads at load', async () => {
    const routes = await loadHandlers(env, {
      root,
      table: [
        { routeKey: '$connect', entry: 'connect.mjs' },
        { routeKey: 'ping', entry: 'ping.mjs' },
      ],
    });

    expect(Object.keys(routes).sort()).toEqual(['$connect', 'ping']);
    expect(await routes.$connect!({} as never)).toEqual({ statusCode: 200, body: 'load-handlers-test' });
  });

  it('reports every module it cannot use, by route', async () => {
    const load = loadHandlers(env, {
      root,
      table: [
        { routeKey: '$connect', entry: 'connect.mjs' },
        { routeKey: '$default', entry: 'missing.mjs' },
        { routeKey: 'ping', entry: 'no-handler.mjs' },
        { routeKey: 'log.batch', entry: 'broken.mjs' },
      ],
    });

    await expect(load).rejects.toBeInstanceOf(HandlerModuleError);
    await expect(load).rejects.toMatchObject({
      problems: [
        'missing.mjs (route $default) does not exist',
        'no-handler.mjs (route ping) does not export a "handler" function',
        'broken.mjs (route log.batch) failed to load: module init failed',
      ],
    });
  });

  it('finds every handler of the real route table', async () => {
    const routes = await loadHandlers(env);

    expect(Object.keys(routes).sort()).toEqual(
      ['$connect', '$default', '$disconnect', 'agent.inventory', 'agent.register', 'agent.status', 'inventory.get', 'log.batch', 'log.fetch', 'log.subscribe', 'log.unsubscribe', 'ping'].sort(),
    );
  });
});
