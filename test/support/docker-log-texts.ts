import type Dockerode from 'dockerode';

/**
 * A container's log as Docker itself holds it, line by line: the truth a spec compares the viewer
 * with (its multiplexed frames read here, not by the agent's code).
 */
export async function dockerLogTexts(container: Dockerode.Container): Promise<string[]> {
  const bytes = (await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
  const payloads: Buffer[] = [];
  for (let at = 0; at + 8 <= bytes.length; ) {
    const length = bytes.readUInt32BE(at + 4);
    payloads.push(bytes.subarray(at + 8, at + 8 + length));
    at += 8 + length;
  }
  return Buffer.concat(payloads).toString('utf8').split('\n').slice(0, -1);
}
