/**
 * Thrown at synth time when a construct is given props that cannot all hold at once, so a
 * misconfiguration fails `cdk synth` with a clear message instead of deploying something subtly wrong.
 */
export class InvalidPropsError extends Error {
  override readonly name = 'InvalidPropsError';

  constructor(
    /** The construct class that rejected its props, e.g. "HouseFunction". */
    readonly construct: string,
    message: string,
  ) {
    super(`${construct}: ${message}`);
  }
}
