export { CatalogRecipientResolver } from '@herald/plugin-notifications-node';
