export interface Config {
  notifications?: {
    processors?: {
      exampleWebhook?: {
        /**
         * Where every notification is POSTed as JSON. Without it the example
         * processor is not registered.
         */
        url?: string;
      };
    };
  };
}
