import { DeliveryTargetsError } from './DeliveryTargetsError';

describe('DeliveryTargetsError', () => {
  class CarrierPigeonError extends DeliveryTargetsError {}

  it('is named after the subclass and lists the first three failed targets', () => {
    const error = new CarrierPigeonError('4 lofts missed', [
      { target: 'north', reason: 'hawk' },
      { target: 'south', reason: 'rain' },
      { target: 'east', reason: 'lost' },
      { target: 'west', reason: 'asleep' },
    ]);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('CarrierPigeonError');
    expect(error.message).toBe(
      '4 lofts missed: north: hawk; south: rain; east: lost',
    );
  });
});
