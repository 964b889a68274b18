/**
 * Example frontend plugin: a todo list that stays current through signals.
 *
 * @packageDocumentation
 */
export { exampleTodoPlugin, ExampleTodoPage } from './plugin';
export * from './api';
