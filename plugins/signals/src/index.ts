/**
 * Herald signals browser client.
 *
 * @packageDocumentation
 */
export { SignalClient } from './api/SignalClient';
export type { WebSocketConstructor } from './api/SignalClient';
export { signalsPlugin, SignalsDisplay } from './plugin';
