/**
 * A container on the private engine that prints a prepared log as fast as Docker takes it: the
 * file is copied into the created container (one tar entry, PUT /containers/{id}/archive) before
 * it starts, so nothing generates text inside it. It prints "ready" and waits for SIGUSR1 — sent
 * once a viewer is watching — then `cat`s the file and exits.
 */
import type Docker from 'dockerode';
import type { PrivateDocker } from './private-docker';

const LOG_PATH = '/tmp/sidetail-bench.log';

export async function logContainer(engine: PrivateDocker, output: Buffer, name: string): Promise<Docker.Container> {
  return signalledContainer(engine, name, `exec cat ${LOG_PATH}`, output);
}

/**
 * Like logContainer, but the file is printed at a steady rate, as a busy service writes — not as
 * fast as Docker takes it: `chunkBytes` every `pauseUs` (dd cuts lines; Docker joins a line's
 * pieces until its newline).
 */
export async function pacedLogContainer(engine: PrivateDocker, output: Buffer, name: string, chunkBytes: number, pauseUs: number): Promise<Docker.Container> {
  const chunks = Math.ceil(output.length / chunkBytes);
  const script = `i=0; while [ $i -lt ${chunks} ]; do dd if=${LOG_PATH} bs=${chunkBytes} skip=$i count=1 2>/dev/null; i=$((i+1)); usleep ${pauseUs}; done`;
  return signalledContainer(engine, name, script, output);
}

/**
 * A container that, on SIGUSR1, prints `warmUp` numbered lines ("warm-up N seq=N") `warmUpPauseUs`
 * apart and then one a second ("tick N seq=N"), for the watched-hour bench: the warm-up fills the
 * cloud's buffer with batches like the ticks' own (one line each, when the pause is longer than
 * the agent's batching window), so the ticks cost what they do in a container watched for long.
 */
export async function tickingContainer(engine: PrivateDocker, name: string, warmUp: number, warmUpPauseUs: number): Promise<Docker.Container> {
  const script = `i=1; while [ $i -le ${warmUp} ]; do echo "warm-up $i seq=$i"; i=$((i+1)); usleep ${warmUpPauseUs}; done; while true; do echo "tick $i seq=$i"; i=$((i+1)); sleep 1; done`;
  return signalledContainer(engine, name, script);
}

/**
 * A started busybox container that prints "ready", waits for SIGUSR1 (sent once a viewer
 * watches), then runs `script`; `log`, if given, is copied in at LOG_PATH before it starts.
 */
async function signalledContainer(engine: PrivateDocker, name: string, script: string, log?: Buffer): Promise<Docker.Container> {
  const container = await engine.docker.createContainer({
    name,
    Image: engine.busyboxImage,
    Cmd: ['sh', '-c', `trap 'go=1' USR1; echo ready; while [ -z "$go" ]; do usleep 20000; done; ${script}`],
    HostConfig: { NetworkMode: 'none' },
  });
  if (log) await container.putArchive(tarOfOne(LOG_PATH.split('/').pop()!, log), { path: '/tmp' });
  await container.start();
  return container;
}

/** A ustar archive holding one regular file. */
export function tarOfOne(fileName: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  const field = (offset: number, length: number, value: string) => header.write(value.padEnd(length, '\0').slice(0, length), offset, 'latin1');
  const octal = (offset: number, length: number, value: number) => field(offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
  field(0, 100, fileName);
  octal(100, 8, 0o644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, content.length);
  octal(136, 12, Math.floor(Date.parse('2026-12-01T00:00:00Z') / 1000));
  field(148, 8, ' '.repeat(8)); // the checksum is computed with its own field as spaces
  field(156, 1, '0');
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  let sum = 0;
  for (const byte of header) sum += byte;
  field(148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header, content, padding, Buffer.alloc(1024)]);
}
