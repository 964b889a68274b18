/**
 * Test utilities shared by the notifications channel modules' suites.
 *
 * @packageDocumentation
 */
export * from './backend';
export * from './entities';
export * from './LocalHttpServer';
export * from './waitFor';
