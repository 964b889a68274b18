import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { ButtonIcon, Flex, Select, Text } from '@backstage/ui';
import { RiArrowLeftSLine, RiArrowRightSLine } from '@remixicon/react';
import { notificationsTranslationRef } from '../../translation';

const PAGE_SIZES = ['5', '10', '20'];

/**
 * Page size and previous / next, with the plugin's translatable labels
 * (Backstage UI's TablePagination has fixed English ones).
 */
export function Pager(props: {
  /** From 0. */
  page: number;
  pageSize: number;
  count: number;
  onPageChange: (page: number) => void;
  onPageSizeChange: (pageSize: number) => void;
}) {
  const { page, pageSize, count } = props;
  const { t } = useTranslationRef(notificationsTranslationRef);
  const from = count === 0 ? 0 : page * pageSize + 1;
  const to = Math.min(count, (page + 1) * pageSize);
  return (
    <Flex align="center" justify="end" gap="3" style={{ flexWrap: 'wrap' }}>
      <Flex align="center" gap="2">
        <Select
          size="small"
          label={t('table.pagination.labelRowsPerPage')}
          options={PAGE_SIZES.map(size => ({ id: size, label: size }))}
          value={String(pageSize)}
          onChange={value => props.onPageSizeChange(Number(value))}
        />
      </Flex>
      <Text variant="body-small" data-testid="notifications-displayed-rows">
        {t('table.pagination.labelDisplayedRows')
          .replace('{from}', String(from))
          .replace('{to}', String(to))
          .replace('{count}', String(count))}
      </Text>
      <ButtonIcon
        size="small"
        variant="secondary"
        aria-label={t('table.pagination.previousTooltip')}
        icon={<RiArrowLeftSLine />}
        isDisabled={page === 0}
        onPress={() => props.onPageChange(page - 1)}
      />
      <ButtonIcon
        size="small"
        variant="secondary"
        aria-label={t('table.pagination.nextTooltip')}
        icon={<RiArrowRightSLine />}
        isDisabled={to >= count}
        onPress={() => props.onPageChange(page + 1)}
      />
    </Flex>
  );
}
