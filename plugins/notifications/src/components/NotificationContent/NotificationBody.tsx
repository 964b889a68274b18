import {
  MARKDOWN_BODY_METADATA_KEY,
  NotificationPayload,
} from '@herald/plugin-notifications-common';
import { Suspense } from 'react';
import { MarkdownBody } from './MarkdownBody';
import { NotificationDescription } from './NotificationDescription';

/**
 * The body of a notification: the markdown from metadata when the sender
 * provided one, otherwise the plain description.
 */
export function NotificationBody(props: {
  payload: NotificationPayload;
  /** Called when a link in the body is followed. */
  onLinkClick?: () => void;
}) {
  const markdown = props.payload.metadata?.[MARKDOWN_BODY_METADATA_KEY];
  if (typeof markdown === 'string' && markdown.trim() !== '') {
    return <MarkdownBody markdown={markdown} onLinkClick={props.onLinkClick} />;
  }
  if (!props.payload.description) {
    return null;
  }
  return (
    <Suspense fallback={null}>
      <NotificationDescription description={props.payload.description} />
    </Suspense>
  );
}
