/**
 * Each spec starts on an empty page: what a spec rendered is unmounted after it (Vitest globals are
 * off, so the library cannot register this itself). Waiting for the page (findBy…, waitFor) allows
 * for a machine busy with other work.
 */
import { cleanup, configure } from '@solidjs/testing-library';
import { afterEach } from 'vitest';

configure({ asyncUtilTimeout: 5_000 });

afterEach(() => cleanup());
