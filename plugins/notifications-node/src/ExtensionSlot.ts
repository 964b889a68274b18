/**
 * Holds what one other module provides through a channel module's
 * extension point, such as a renderer. A second module providing one is an
 * error at start-up, so two modules never silently override each other.
 *
 * @public
 */
export class ExtensionSlot<T> {
  private value: T | undefined;

  /** `what` names the value in the error, e.g. `Email template renderer`. */
  constructor(private readonly what: string) {}

  /** Takes the value; throws when a value was provided before. */
  provide(value: T): void {
    if (this.value !== undefined) {
      throw new Error(`${this.what} was already registered`);
    }
    this.value = value;
  }

  /** The value provided, if any; read it at init or later. */
  get(): T | undefined {
    return this.value;
  }
}
