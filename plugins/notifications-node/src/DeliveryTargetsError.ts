import { describeFailedTargets } from './deferral';

/**
 * What a processor that delivers to several targets throws when some of
 * them failed: its summary, then the first failed targets with their
 * reasons. The error is named after the processor's own subclass, so the
 * logs tell the channels apart.
 *
 * @public
 */
export class DeliveryTargetsError extends Error {
  constructor(
    summary: string,
    failures: Array<{ target: string; reason: string }>,
  ) {
    super(`${summary}: ${describeFailedTargets(failures)}`);
    this.name = new.target.name;
  }
}
