import { Link, Text } from '@backstage/ui';
import { AnchorHTMLAttributes } from 'react';
import ReactMarkdown from 'react-markdown';
import rehypeSanitize from 'rehype-sanitize';
import remarkGfm from 'remark-gfm';
import { linkColor } from './palette';
import { notificationHref } from './safeLink';

const allowedElements = [
  'p',
  'br',
  'strong',
  'em',
  'del',
  'code',
  'pre',
  'blockquote',
  'ul',
  'ol',
  'li',
  'a',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
];

/**
 * A body link: in-app paths through the router (no reload), external URLs
 * in a new tab without an opener; underlined, so it reads as a link.
 */
function SafeAnchor(
  props: AnchorHTMLAttributes<HTMLAnchorElement> & { onOpen?: () => void },
) {
  const { children, onOpen } = props;
  const target = notificationHref(props.href);
  if (!target) {
    return <span>{children}</span>;
  }
  return (
    <Link
      href={target.href}
      onPress={onOpen}
      style={{ color: linkColor, textDecorationColor: 'currentColor' }}
      data-testid="notification-body-link"
      {...(target.external
        ? { target: '_blank', rel: 'noopener noreferrer' }
        : {})}
    >
      {children}
    </Link>
  );
}

/**
 * A markdown body. Raw HTML in the source is dropped (never parsed into the
 * page), the result is sanitised once more, images and other embeds are not
 * rendered, and only http(s) or in-app links become links.
 */
export function MarkdownBody(props: {
  markdown: string;
  /** Called when one of its links is followed. */
  onLinkClick?: () => void;
}) {
  return (
    <Text as="div" variant="body-medium" className="notification-markdown">
      <ReactMarkdown
        skipHtml
        remarkPlugins={[remarkGfm]}
        rehypePlugins={[rehypeSanitize]}
        allowedElements={allowedElements}
        unwrapDisallowed
        components={{
          a: ({ node: _node, ...rest }) => (
            <SafeAnchor {...rest} onOpen={props.onLinkClick} />
          ),
        }}
      >
        {props.markdown}
      </ReactMarkdown>
    </Text>
  );
}
