/** Each spec starts on an empty page: what a spec rendered is unmounted after it (Vitest globals are off, so the library cannot register this itself). */
import { cleanup } from '@solidjs/testing-library';
import { afterEach } from 'vitest';

afterEach(() => cleanup());
