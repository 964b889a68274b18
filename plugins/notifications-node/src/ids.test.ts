import { notificationsProcessingExtensionPoint } from './extensions';
import { notificationService } from './service';

describe('ids shared with upstream', () => {
  it('keeps the service ref and extension point ids', () => {
    expect(notificationService.id).toBe('notifications.service');
    expect(notificationService.scope).toBe('plugin');
    expect(notificationsProcessingExtensionPoint.id).toBe(
      'notifications.processing',
    );
  });
});
