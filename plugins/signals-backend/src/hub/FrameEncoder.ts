import { SignalFrame } from '@herald/plugin-signals-common';
import { mergeRecipientMessage } from '@herald/plugin-signals-node';
import { JsonObject } from '@backstage/types';
import { PublishedSignal, SequencedSignal } from '../bus/types';
import { textFrame } from './textFrame';

type Variant = { plain?: Buffer; withOffset?: Buffer };

/**
 * A signal to write: one the bus numbered, or one written to plain
 * subscribers before the bus numbered it, which has no offset yet.
 */
export type OutgoingSignal = PublishedSignal &
  Partial<Pick<SequencedSignal, 'offset'>>;

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * A server frame that carries no signal, such as `subscribed` or `gap`, as
 * the whole WebSocket frame.
 */
export function encodeFrame(frame: JsonObject): Buffer {
  return textFrame(JSON.stringify(frame));
}

/**
 * The frames of one signal, each as the whole WebSocket frame. Each variant
 * (the shared message, or one user's `perRecipient` merge; each plain or with
 * its offset) is serialised the first time a connection needs it and then
 * sent as the same buffer to every other connection that needs it.
 */
export class FrameEncoder {
  private readonly variants = new Map<string, Variant>();

  constructor(private readonly signal: OutgoingSignal) {}

  /** The frame for a connection of `userEntityRef`. */
  encode(userEntityRef: string, withOffset: boolean): Buffer {
    const { signal } = this;
    const personal = signal.perRecipient;
    const user =
      personal && hasOwn.call(personal, userEntityRef) ? userEntityRef : '';
    let variant = this.variants.get(user);
    if (!variant) {
      variant = {};
      this.variants.set(user, variant);
    }
    const key = withOffset ? 'withOffset' : 'plain';
    let frame = variant[key];
    if (!frame) {
      const message = user
        ? mergeRecipientMessage(signal.message, personal![user])
        : signal.message;
      const body: SignalFrame = withOffset
        ? { channel: signal.channel, message, offset: signal.offset }
        : { channel: signal.channel, message };
      frame = textFrame(JSON.stringify(body));
      variant[key] = frame;
    }
    return frame;
  }
}
