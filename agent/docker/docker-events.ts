/**
 * Docker's `/events` body is newline-delimited JSON, cut into HTTP chunks anywhere. This turns it
 * into ContainerEvent objects, keeping only container events, and skipping (not failing on) lines
 * that are not the JSON expected.
 */
import { Transform, type TransformCallback } from 'node:stream';
import type { ContainerEvent } from './container-source';

/** A line longer than this is not an event; it is dropped rather than buffered without end. */
const MAX_EVENT_LINE_BYTES = 1024 * 1024;

export function toContainerEvent(json: unknown): ContainerEvent | undefined {
  if (!json || typeof json !== 'object') return undefined;
  const event = json as { Type?: unknown; Action?: unknown; Actor?: { ID?: unknown }; id?: unknown };
  if (event.Type !== 'container' || typeof event.Action !== 'string') return undefined;
  const containerId = typeof event.Actor?.ID === 'string' ? event.Actor.ID : event.id;
  if (typeof containerId !== 'string' || containerId === '') return undefined;
  // "health_status: healthy", "exec_start: sh -c …": the word before the colon is the action.
  const action = event.Action.split(':')[0]!.trim();
  return { action, containerId };
}

export class DockerEventParser extends Transform {
  private partial = '';

  constructor() {
    super({ readableObjectMode: true });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const lines = (this.partial + chunk.toString('utf8')).split('\n');
    this.partial = lines.pop() ?? '';
    if (this.partial.length > MAX_EVENT_LINE_BYTES) this.partial = '';
    for (const line of lines) this.parse(line);
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.parse(this.partial);
    this.partial = '';
    callback();
  }

  private parse(line: string): void {
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      return;
    }
    const event = toContainerEvent(json);
    if (event) this.push(event);
  }
}
