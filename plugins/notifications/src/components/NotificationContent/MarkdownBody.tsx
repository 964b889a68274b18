import Typography from '@material-ui/core/Typography';
import { AnchorHTMLAttributes } from 'react';
import ReactMarkdown from 'react-markdown';
import rehypeSanitize from 'rehype-sanitize';
import remarkGfm from 'remark-gfm';
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

function SafeAnchor(props: AnchorHTMLAttributes<HTMLAnchorElement>) {
  const { children } = props;
  const target = notificationHref(props.href);
  if (!target) {
    return <span>{children}</span>;
  }
  return target.external ? (
    <a href={target.href} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  ) : (
    <a href={target.href}>{children}</a>
  );
}

/**
 * A markdown body. Raw HTML in the source is dropped (never parsed into the
 * page), the result is sanitised once more, images and other embeds are not
 * rendered, and only http(s) or in-app links become links.
 */
export function MarkdownBody(props: { markdown: string }) {
  return (
    <Typography
      variant="body2"
      component="div"
      className="notification-markdown"
    >
      <ReactMarkdown
        skipHtml
        remarkPlugins={[remarkGfm]}
        rehypePlugins={[rehypeSanitize]}
        allowedElements={allowedElements}
        unwrapDisallowed
        components={{
          a: ({ node: _node, ...rest }) => <SafeAnchor {...rest} />,
        }}
      >
        {props.markdown}
      </ReactMarkdown>
    </Typography>
  );
}
