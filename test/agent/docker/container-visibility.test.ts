import { describe, expect, it } from 'vitest';
import { ENABLE_LABEL, hiddenBy } from '../../../agent/docker/container-visibility';

describe('which containers the agent shows (the sidetail.enable label)', () => {
  describe('by default: every container but those labelled sidetail.enable=false', () => {
    it.each([
      [undefined],
      [{}],
      [{ 'com.docker.compose.service': 'web' }],
      [{ [ENABLE_LABEL]: 'true' }],
      [{ [ENABLE_LABEL]: 'TRUE' }],
      [{ [ENABLE_LABEL]: '1' }],
    ])('shows a container labelled %j', (labels) => {
      expect(hiddenBy(labels, false)).toBeUndefined();
    });

    it.each([['false'], ['False'], ['0'], ['no'], ['off'], [' false ']])('hides a container labelled sidetail.enable=%j', (value) => {
      expect(hiddenBy({ [ENABLE_LABEL]: value }, false)).toBe('it is labelled sidetail.enable=false');
    });

    it('hides a container whose label is neither true nor false, since its owner meant something by it', () => {
      expect(hiddenBy({ [ENABLE_LABEL]: 'maybe' }, false)).toBe('its label sidetail.enable="maybe" is neither true nor false');
    });
  });

  describe('in opt-in mode: only containers labelled sidetail.enable=true', () => {
    it.each([[{ [ENABLE_LABEL]: 'true' }], [{ [ENABLE_LABEL]: 'yes' }], [{ [ENABLE_LABEL]: 'on' }]])('shows a container labelled %j', (labels) => {
      expect(hiddenBy(labels, true)).toBeUndefined();
    });

    it.each([[undefined], [{}], [{ other: 'true' }]])('hides an unlabelled container (%j)', (labels) => {
      expect(hiddenBy(labels, true)).toBe('the agent runs opt-in and it is not labelled sidetail.enable=true');
    });

    it('hides a container labelled sidetail.enable=false', () => {
      expect(hiddenBy({ [ENABLE_LABEL]: 'false' }, true)).toBe('it is labelled sidetail.enable=false');
    });
  });
});
