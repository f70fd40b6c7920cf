/**
 * Numbered lines, written by a container and counted at a viewer, for the lifecycle specs: the
 * container says "ready", waits for SIGUSR1 (sent once "ready" reached the viewer: the stream is
 * live), then prints `line 1` … `line N`, a little apart so the stream is still going when the
 * spec breaks something.
 */
import type Dockerode from 'dockerode';
import type { CloudToViewer, LogLine } from '../../protocol';
import type { ViewerClient } from '../support/viewer-client';
import { linesOf } from './counted-lines';

export function numberedLinesScript(lines: number, pauseUs: number): string {
  return `
trap 'go=1' USR1
echo ready
while [ -z "$go" ]; do usleep 20000; done
i=1; while [ $i -le ${lines} ]; do echo "line $i"; i=$((i+1)); usleep ${pauseUs}; done
exec sleep 3600
`;
}

export function expectedTexts(lines: number): string[] {
  return ['ready', ...Array.from({ length: lines }, (_, i) => `line ${i + 1}`)];
}

/** Every line the viewer received for the container, in arrival order, repeats included. */
export function receivedLines(viewer: ViewerClient, containerId: string): LogLine[] {
  return linesOf(viewer, containerId);
}

/** What the dashboard shows: each seq once (a redelivered batch is dropped by seq), in seq order. */
export function shownLines(viewer: ViewerClient, containerId: string): LogLine[] {
  const bySeq = new Map<number, LogLine>();
  for (const line of receivedLines(viewer, containerId)) if (!bySeq.has(line.seq)) bySeq.set(line.seq, line);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** A redelivery repeats a line as it was: the same seq never carries two texts. */
export function conflictingRepeats(viewer: ViewerClient, containerId: string): LogLine[] {
  const first = new Map<number, string>();
  return receivedLines(viewer, containerId).filter((line) => {
    const text = first.get(line.seq);
    if (text === undefined) first.set(line.seq, line.text);
    return text !== undefined && text !== line.text;
  });
}

/** A busybox container running the numbered-lines script, started. */
export async function numberedLinesContainer(docker: Dockerode, image: string, lines: number, pauseUs: number): Promise<Dockerode.Container> {
  const container = await docker.createContainer({
    Image: image,
    Cmd: ['sh', '-c', numberedLinesScript(lines, pauseUs)],
    HostConfig: { NetworkMode: 'none' },
  });
  await container.start();
  return container;
}

/** Subscribes the viewer and lets the container start counting once its "ready" line arrived. */
export async function watchAndGo(viewer: ViewerClient, agentId: string, container: Dockerode.Container, timeoutMs = 30_000): Promise<void> {
  viewer.send({ action: 'log.subscribe', agentId, containerId: container.id });
  await viewer.waitUntil(() => receivedLines(viewer, container.id).some((l) => l.text === 'ready'), 'the stream is live', timeoutMs);
  await container.kill({ signal: 'SIGUSR1' });
}

/** Resolves once the viewer shows `count` lines of the container. */
export function allShown(viewer: ViewerClient, containerId: string, count: number, timeoutMs = 60_000): Promise<void> {
  return viewer.waitUntil(() => shownLines(viewer, containerId).length >= count, `${count} lines reach the viewer`, timeoutMs);
}
