import { prefersReturnMinimal } from './returnPreference';

describe('prefersReturnMinimal', () => {
  it.each([
    ['return=minimal', true],
    ['Return=Minimal', true],
    ['respond-async, return=minimal', true],
    ['return = minimal; foo=bar', true],
    ['return="minimal"', true],
    ['return=representation', false],
    ['handling=lenient', false],
    ['', false],
    [undefined, false],
  ])('%p asks for a minimal return: %p', (prefer, expected) => {
    expect(prefersReturnMinimal(prefer)).toBe(expected);
  });
});
