import { Writable } from 'stream';
import WebSocket from 'ws';
import { textFrame } from './textFrame';

/** `ws`'s frame parser, which its type declarations leave out. */
const Receiver = (
  WebSocket as unknown as {
    Receiver: new (options: { isServer: boolean }) => Writable;
  }
).Receiver;

/** What a `ws` client's frame parser reads from the bytes. */
function receive(frame: Buffer): Promise<string> {
  const receiver = new Receiver({ isServer: false });
  return new Promise((resolve, reject) => {
    receiver.on('message', (data: Buffer, isBinary: boolean) => {
      expect(isBinary).toBe(false);
      resolve(data.toString());
    });
    receiver.on('error', reject);
    receiver.write(frame);
  });
}

describe('textFrame', () => {
  it.each([0, 1, 125, 126, 127, 65535, 65536, 70000])(
    'frames %i bytes as a client reads them',
    async length => {
      const text = 'x'.repeat(length);
      const frame = textFrame(text);
      expect(await receive(frame)).toBe(text);
    },
  );

  it('counts the length in bytes, not characters', async () => {
    const text = JSON.stringify({ message: 'Grüße 🎉'.repeat(40) });
    expect(await receive(textFrame(text))).toBe(text);
  });
});
