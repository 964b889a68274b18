/**
 * Catalog entities for the tests of notifications backends and modules.
 *
 * @packageDocumentation
 */
export * from './entities';
