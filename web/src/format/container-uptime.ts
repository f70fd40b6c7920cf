/**
 * How long a running container has been up, from Docker's status words ("Up 3 minutes") and when
 * they were reported: Docker's words are relative to the agent's listing, so the time since is
 * added. Docker rounds down ("3 minutes" is 3 to 4), so this is a lower bound, shown as one.
 * Pure; undefined when the status is not an "Up …" Docker wrote.
 */
const UNIT_MS: Readonly<Record<string, number>> = {
  second: 1_000, minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000, month: 30 * 86_400_000, year: 365 * 86_400_000,
};

const UP = /^Up (?:(Less than a second)|About an? (minute|hour)|(\d+) (second|minute|hour|day|week|month|year)s?)\b/;

/** Docker's "Up …" as milliseconds (its lower bound), or undefined. */
export function upForMs(status: string): number | undefined {
  const match = UP.exec(status);
  if (!match) return undefined;
  if (match[1]) return 0;
  if (match[2]) return UNIT_MS[match[2]];
  return Number(match[3]) * UNIT_MS[match[4]!]!;
}

/** "up 2 h 5 min", "up 40 s"; reportedAt and now in epoch ms (reportedAt unknown: Docker's words as they stand). */
export function uptimeText(status: string, reportedAt: number | undefined, now: number): string | undefined {
  const up = upForMs(status);
  if (up === undefined) return undefined;
  const since = reportedAt === undefined ? 0 : Math.max(0, now - reportedAt);
  return `up ${duration(up + since)}`;
}

function duration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} days`;
}
