/**
 * Herald signals backend: the `/api/signals` WebSocket endpoint, the
 * connection hub with replay, and the bus shared by backend replicas.
 *
 * @packageDocumentation
 */
export { signalsPlugin as default } from './plugin';
