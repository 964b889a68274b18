/**
 * Example backend plugin: completing a todo notifies its owner through the
 * notification service and tells every open page through a signal.
 *
 * @packageDocumentation
 */
export { exampleTodoPlugin as default } from './plugin';
