export * from './fakes';
export * from './renderWithNotifications';
