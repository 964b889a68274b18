import { createElement } from 'react';
import { renderInTestApp } from '@backstage/test-utils';
import { signalsPlugin, SignalsDisplay } from './plugin';
import signalsFrontendPlugin from './alpha';

describe('signals plugin', () => {
  it('is the legacy plugin with id signals and registers the signal API', () => {
    expect(signalsPlugin.getId()).toBe('signals');
    expect([...signalsPlugin.getApis()].map(api => api.api.id)).toEqual([
      'plugin.signal.service',
    ]);
  });

  it('renders nothing from SignalsDisplay', async () => {
    const { container } = await renderInTestApp(createElement(SignalsDisplay));
    expect(container).toBeEmptyDOMElement();
  });

  it('is the new frontend system plugin signals with a single api:signals', () => {
    expect(signalsFrontendPlugin.pluginId).toBe('signals');
    const extension = signalsFrontendPlugin.getExtension('api:signals');
    // Kind `api`, namespace `signals` and no name make the id `api:signals`.
    expect(extension).toMatchObject({
      kind: 'api',
      namespace: 'signals',
      name: undefined,
    });
  });

  it('gives the app a title, an icon and the package for its plugin info', async () => {
    expect(signalsFrontendPlugin.title).toBe('Signals');
    const { container } = await renderInTestApp(
      createElement('span', null, signalsFrontendPlugin.icon),
    );
    expect(container.querySelector('svg')).not.toBeNull();
    // The app reads these options when it installs the plugin; info() only
    // answers inside an app.
    const { infoOptions } = signalsFrontendPlugin as unknown as {
      infoOptions: { packageJson: () => Promise<{ name: string }> };
    };
    await expect(infoOptions.packageJson()).resolves.toMatchObject({
      name: '@herald/plugin-signals',
    });
  });
});
