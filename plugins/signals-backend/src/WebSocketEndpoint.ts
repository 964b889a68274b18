import {
  AuthService,
  HttpRouterServiceWebSocketContext,
  LoggerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { IncomingMessage } from 'http';
import { WebSocketServer } from 'ws';
import { SignalsConfig } from './config';
import { SignalHub } from './hub/SignalHub';
import { rejectUpgrade } from './rejectUpgrade';
import { releaseHandshake } from './releaseHandshake';

/**
 * Completes authenticated upgrades on `/api/signals`: user principals only,
 * with the subprotocol that carried the token echoed back, as browsers
 * require.
 */
export class WebSocketEndpoint {
  private readonly server: WebSocketServer;
  private readonly authProtocols = new WeakMap<IncomingMessage, string>();

  constructor(
    private readonly deps: {
      auth: AuthService;
      userInfo: UserInfoService;
      hub: SignalHub;
      logger: LoggerService;
      config: Pick<
        SignalsConfig,
        'maxFrameBytes' | 'maxConnectionsPerUser' | 'maxConnectionsPerReplica'
      >;
    },
  ) {
    this.server = new WebSocketServer({
      noServer: true,
      maxPayload: deps.config.maxFrameBytes,
      perMessageDeflate: false,
      clientTracking: false,
      WebSocket: deps.hub.socketClass,
      handleProtocols: (_protocols, request) =>
        this.authProtocols.get(request) ?? false,
    });
  }

  async handleUpgrade(context: HttpRouterServiceWebSocketContext) {
    const { request, socket, head, credentials, authProtocol } = context;
    const { auth, userInfo, hub, config } = this.deps;
    if (auth.isPrincipal(credentials, 'none')) {
      rejectUpgrade(socket, '401 Unauthorized');
      return;
    }
    if (!auth.isPrincipal(credentials, 'user')) {
      rejectUpgrade(socket, '403 Forbidden');
      return;
    }
    if (hub.connectionCount >= config.maxConnectionsPerReplica) {
      this.deps.logger.warn(
        `Rejecting signals connection: ${config.maxConnectionsPerReplica} connections already open on this replica`,
      );
      rejectUpgrade(socket, '503 Service Unavailable');
      return;
    }
    const info = await userInfo.getUserInfo(credentials);
    if (hub.connectionsOf(info.userEntityRef) >= config.maxConnectionsPerUser) {
      this.deps.logger.warn(
        `Rejecting signals connection of ${info.userEntityRef}: ${config.maxConnectionsPerUser} connections already open`,
      );
      rejectUpgrade(socket, '429 Too Many Requests');
      return;
    }
    if (authProtocol) {
      this.authProtocols.set(request, authProtocol);
    }
    this.server.handleUpgrade(request, socket, head, ws => {
      this.authProtocols.delete(request);
      releaseHandshake(request, head);
      hub.add(ws, info.userEntityRef, info.ownershipEntityRefs);
    });
  }

  close() {
    this.server.close();
  }
}
