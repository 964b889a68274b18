import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { useState } from 'react';

/**
 * Runs a save, tells the user when it fails, and says whether one is running
 * so the controls can wait for it.
 */
export function useAlertingSave(errorMessage: (error: Error) => string) {
  const alertApi = useApi(alertApiRef);
  const [saving, setSaving] = useState(false);
  const runSave = async (save: () => Promise<void>) => {
    setSaving(true);
    try {
      await save();
    } catch (e) {
      alertApi.post({ message: errorMessage(e), severity: 'error' });
    } finally {
      setSaving(false);
    }
  };
  return { saving, runSave };
}
