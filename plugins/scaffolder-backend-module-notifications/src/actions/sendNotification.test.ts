import { mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createSendNotificationAction } from './sendNotification';

/** A checkpoint store that survives between runs, as the task's state does. */
function checkpoints(state = new Map<string, unknown>()) {
  return async (opts: { key: string; fn: () => unknown }) => {
    if (state.has(opts.key)) {
      return state.get(opts.key);
    }
    const value = await opts.fn();
    state.set(opts.key, value);
    return value;
  };
}

function setup(send = jest.fn().mockResolvedValue(undefined)) {
  const action = createSendNotificationAction({ notifications: { send } });
  const run = (input: object, checkpoint = checkpoints()) => {
    const logger = mockServices.logger.mock();
    const ctx = {
      ...createMockActionContext({ input: input as any, logger }),
      checkpoint,
    };
    return { logger, done: action.handler(ctx as any) };
  };
  return { action, send, run };
}

describe('notification:send', () => {
  it('sends to entities with every payload field mapped', async () => {
    const { action, send, run } = setup();
    expect(action.id).toBe('notification:send');
    await run({
      recipients: 'entity',
      entityRefs: ['group:default/team', 'user:default/jane'],
      title: 'Created',
      info: 'Your service is ready',
      link: '/catalog/default/component/svc',
      severity: 'high',
      scope: 'svc',
      topic: 'scaffolder',
    }).done;
    expect(send).toHaveBeenCalledWith({
      recipients: {
        type: 'entity',
        entityRef: ['group:default/team', 'user:default/jane'],
      },
      payload: {
        title: 'Created',
        description: 'Your service is ready',
        link: '/catalog/default/component/svc',
        severity: 'high',
        scope: 'svc',
        topic: 'scaffolder',
      },
    });
  });

  it('broadcasts', async () => {
    const { send, run } = setup();
    await run({ recipients: 'broadcast', title: 'Hello all' }).done;
    expect(send.mock.calls[0][0].recipients).toEqual({ type: 'broadcast' });
  });

  it('sends once when the task is retried after the send succeeded', async () => {
    const { send, run } = setup();
    const checkpoint = checkpoints();
    const input = { recipients: 'broadcast', title: 'Once' };
    await run(input, checkpoint).done;
    await run(input, checkpoint).done;
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('keys the checkpoint by title, so each differently titled step sends', async () => {
    const { send, run } = setup();
    const state = new Map<string, unknown>();
    const checkpoint = checkpoints(state);
    await run({ recipients: 'broadcast', title: 'First' }, checkpoint).done;
    await run({ recipients: 'broadcast', title: 'Second' }, checkpoint).done;
    await run({ recipients: 'broadcast', title: 'First' }, checkpoint).done;
    expect([...state.keys()]).toEqual([
      'send.notification.First',
      'send.notification.Second',
    ]);
    expect(send.mock.calls.map(call => call[0].payload.title)).toEqual([
      'First',
      'Second',
    ]);
  });

  it('declares recipients and title required and the enums of recipients and severity', () => {
    const { action } = setup();
    const input = action.schema?.input as any;
    expect([...input.required].sort()).toEqual(['recipients', 'title']);
    expect(input.properties.recipients.enum).toEqual(['broadcast', 'entity']);
    expect(input.properties.severity.enum).toEqual([
      'critical',
      'high',
      'normal',
      'low',
    ]);
    expect(input.properties.entityRefs).toMatchObject({
      type: 'array',
      items: { type: 'string' },
    });
    expect(input.properties.optional.type).toBe('boolean');
  });

  it('retries a send that failed before it was recorded', async () => {
    const send = jest
      .fn()
      .mockRejectedValueOnce(new Error('backend down'))
      .mockResolvedValue(undefined);
    const { run } = setup(send);
    const checkpoint = checkpoints();
    const input = { recipients: 'broadcast', title: 'Eventually' };
    await expect(run(input, checkpoint).done).rejects.toThrow('backend down');
    await run(input, checkpoint).done;
    expect(send).toHaveBeenCalledTimes(2);
  });

  it('requires entity refs unless optional', async () => {
    const { send, run } = setup();
    await expect(
      run({ recipients: 'entity', title: 'x' }).done,
    ).rejects.toThrow('Entity references must be provided');
    const { logger, done } = run({
      recipients: 'entity',
      title: 'x',
      optional: true,
    });
    await done;
    expect(send).not.toHaveBeenCalled();
    expect(logger.error).toHaveBeenCalledWith(
      'Entity references must be provided',
    );
  });

  it('logs instead of failing when optional and the send fails', async () => {
    const { run } = setup(jest.fn().mockRejectedValue(new Error('nope')));
    const optional = run({
      recipients: 'broadcast',
      title: 'x',
      optional: true,
    });
    await expect(optional.done).resolves.toBeUndefined();
    expect(optional.logger.error).toHaveBeenCalledWith(
      'Failed to send notification: Error: nope',
    );
    await expect(
      run({ recipients: 'broadcast', title: 'x' }).done,
    ).rejects.toThrow('nope');
  });
});
