import { LoggerService } from '@backstage/backend-plugin-api';

/** A logger that drops everything, where log output is not the point. */
export const silentLogger: LoggerService = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child: () => silentLogger,
};
