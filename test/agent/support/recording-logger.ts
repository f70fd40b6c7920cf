import type { Logger } from '../../../agent/logger';

/** A Logger that keeps every line, for asserting on what the agent tells its user. */
export class RecordingLogger implements Logger {
  readonly lines: { level: 'info' | 'warn' | 'error'; msg: string }[] = [];

  info(msg: string): void {
    this.lines.push({ level: 'info', msg });
  }

  warn(msg: string): void {
    this.lines.push({ level: 'warn', msg });
  }

  error(msg: string): void {
    this.lines.push({ level: 'error', msg });
  }

  matching(pattern: RegExp): string[] {
    return this.lines.filter((line) => pattern.test(line.msg)).map((line) => line.msg);
  }
}
