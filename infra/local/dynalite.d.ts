/** dynalite ships no types; this is the part Sidetail uses. */
declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
    /** A LevelDB directory; in memory without it. */
    path?: string;
  }

  export default function dynalite(options?: DynaliteOptions): Server;
}
