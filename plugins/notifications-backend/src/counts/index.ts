export { foldCountChanges, scheduleCountFolding } from './scheduleCountFolding';
