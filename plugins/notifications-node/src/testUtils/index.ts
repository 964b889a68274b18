/**
 * Catalog entities and modules for the tests of notifications backends and
 * their modules.
 *
 * @packageDocumentation
 */
export * from './entities';
export * from './moduleUsing';
