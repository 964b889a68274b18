/**
 * Types shared by the example todo plugin and its backend, so that the
 * frontend reads exactly what the backend publishes.
 *
 * @packageDocumentation
 */
export * from './types';
