import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  InvalidDockerHostError,
  describeDockerEndpoint,
  dockerFromHost,
  parseDockerHost,
} from '../../../agent/docker/docker-client';

describe('parseDockerHost', () => {
  it.each([
    [undefined, { kind: 'unix', socketPath: '/var/run/docker.sock' }],
    ['', { kind: 'unix', socketPath: '/var/run/docker.sock' }],
    ['unix:///run/user/1000/docker.sock', { kind: 'unix', socketPath: '/run/user/1000/docker.sock' }],
    ['tcp://10.0.0.5:2375', { kind: 'tcp', host: '10.0.0.5', port: 2375 }],
    ['tcp://docker-host', { kind: 'tcp', host: 'docker-host', port: 2375 }],
    ['http://127.0.0.1:12375', { kind: 'tcp', host: '127.0.0.1', port: 12375 }],
  ])('reads %j', (value, endpoint) => {
    expect(parseDockerHost(value)).toEqual(endpoint);
  });

  it.each(['ssh://me@box', 'npipe:////./pipe/docker_engine', 'unix://relative.sock', 'tcp://', '/var/run/docker.sock'])(
    'refuses %j with a named error saying what is supported',
    (value) => {
      expect(() => parseDockerHost(value)).toThrow(InvalidDockerHostError);
      expect(() => parseDockerHost(value)).toThrow(/unix:\/\/\/|tcp:\/\/host:port/);
    },
  );

  it.each([
    ['unix:///var/run/docker.sock', 'unix:///var/run/docker.sock'],
    ['tcp://10.0.0.5:2375', 'tcp://10.0.0.5:2375'],
  ])('names %s as %s in messages', (value, name) => {
    expect(describeDockerEndpoint(parseDockerHost(value))).toBe(name);
  });
});

describe('dockerFromHost', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('uses the socket it is given even when the environment points elsewhere, and never an idle timeout', () => {
    vi.stubEnv('DOCKER_HOST', 'tcp://192.0.2.1:2375');
    vi.stubEnv('DOCKER_CLIENT_TIMEOUT', '5000');

    const modem = dockerFromHost('unix:///tmp/engine.sock').modem as { socketPath?: string; host?: string; timeout?: number };

    expect(modem.socketPath).toBe('/tmp/engine.sock');
    expect(modem.host).toBeUndefined();
    expect(modem.timeout).toBeUndefined();
  });

  it('talks plain HTTP to a tcp:// host', () => {
    const modem = dockerFromHost('tcp://127.0.0.1:2375').modem as { socketPath?: string; host?: string; port?: number; protocol?: string };

    expect(modem).toMatchObject({ host: '127.0.0.1', port: 2375, protocol: 'http' });
    expect(modem.socketPath).toBeUndefined();
  });
});
