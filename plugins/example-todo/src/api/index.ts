export * from './ExampleTodoApi';
export * from './ExampleTodoClient';
