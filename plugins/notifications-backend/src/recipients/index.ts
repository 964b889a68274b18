export { CatalogRecipientResolver } from './CatalogRecipientResolver';
