import { Config } from '@backstage/config';
import { DefaultAwsCredentialsManager } from '@backstage/integration-aws-node';
import { createTransport, Transporter } from 'nodemailer';
import {
  EMAIL_CONFIG_PATH,
  EmailProcessorConfig,
  EmailTransportConfig,
  SesTransportConfig,
} from './config';

export const SES_CLIENT_PACKAGE = '@aws-sdk/client-sesv2';

type SesV2Module = {
  SESv2Client: new (options: Record<string, unknown>) => unknown;
  SendEmailCommand: unknown;
};

function loadSesV2(): SesV2Module {
  try {
    // Optional peer dependency: only installations that send through SES carry the AWS SDK.
    return require(SES_CLIENT_PACKAGE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') {
      throw new Error(
        `${EMAIL_CONFIG_PATH}.transportConfig.transport is ses, which needs the package ${SES_CLIENT_PACKAGE}; add it to the dependencies of your backend package`,
      );
    }
    throw error;
  }
}

async function createSesTransport(
  rootConfig: Config,
  config: SesTransportConfig,
): Promise<Transporter> {
  const { SESv2Client, SendEmailCommand } = loadSesV2();
  const credentialsManager =
    DefaultAwsCredentialsManager.fromConfig(rootConfig);
  const { sdkCredentialProvider } =
    await credentialsManager.getCredentialProvider({
      accountId: config.accountId,
    });
  const sesClient = new SESv2Client({
    region: config.region,
    endpoint: config.endpoint,
    apiVersion: config.apiVersion,
    credentials: sdkCredentialProvider,
  });
  return createTransport({ SES: { sesClient, SendEmailCommand } } as any);
}

/**
 * Builds the nodemailer transport once at startup; nodemailer connects per
 * message, so an unreachable server surfaces as a failed (and retried) send
 * rather than a failed startup.
 */
export async function createEmailTransport(
  rootConfig: Config,
  config: EmailTransportConfig,
): Promise<Transporter> {
  switch (config.transport) {
    case 'smtp':
      return createTransport({
        host: config.hostname,
        port: config.port,
        secure: config.secure,
        requireTLS: config.requireTls,
        auth:
          config.username !== undefined && config.password !== undefined
            ? { user: config.username, pass: config.password }
            : undefined,
      });
    case 'sendmail':
      return createTransport({
        sendmail: true,
        path: config.path,
        newline: config.newline,
      });
    case 'ses':
      return createSesTransport(rootConfig, config);
    case 'stream':
      return createTransport({ streamTransport: true, buffer: true });
    default:
      throw new Error(
        `Unknown email transport ${
          (config as { transport: string }).transport
        }`,
      );
  }
}

/** The per-message SES options from `sesConfig`, or nothing for other transports. */
export function sesMessageOptions({
  transportConfig,
  sesConfig,
}: EmailProcessorConfig): Record<string, string> | undefined {
  if (transportConfig.transport !== 'ses') {
    return undefined;
  }
  const options: Record<string, string> = {};
  if (sesConfig?.fromArn) {
    options.FromEmailAddressIdentityArn = sesConfig.fromArn;
  }
  if (sesConfig?.configurationSetName) {
    options.ConfigurationSetName = sesConfig.configurationSetName;
  }
  return Object.keys(options).length > 0 ? options : undefined;
}
