/**
 * Types and helpers shared by the Herald notifications frontend and backend.
 *
 * @packageDocumentation
 */
export * from './types';
export * from './signals';
export * from './severity';
export * from './settings';
export * from './filters';
export * from './link';
export * from './json';
export * from './permissions';
export * from './returnPreference';
