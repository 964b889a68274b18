import { ButtonIcon, Tooltip, TooltipTrigger } from '@backstage/ui';
import { ReactElement } from 'react';

/**
 * An icon button whose label is its tooltip and its accessible name. Without
 * `onPress` it is the button of the menu or dialog trigger around it.
 */
export function ActionButton(props: {
  label: string;
  icon: ReactElement;
  disabled?: boolean;
  onPress?: () => void;
}) {
  return (
    <TooltipTrigger>
      <ButtonIcon
        size="small"
        variant="tertiary"
        aria-label={props.label}
        icon={props.icon}
        isDisabled={props.disabled}
        onPress={props.onPress}
      />
      <Tooltip>{props.label}</Tooltip>
    </TooltipTrigger>
  );
}
