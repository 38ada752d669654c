import { Button, Group, type MantineSpacing } from '@mantine/core';
import type { ReactNode } from 'react';

/** A form's submit button and its Cancel beside it. */
export function FormActions({
  submitLabel,
  loading,
  disabled,
  onCancel,
  mt = 'lg',
}: {
  submitLabel: ReactNode;
  loading: boolean;
  disabled?: boolean;
  onCancel: () => void;
  mt?: MantineSpacing;
}): ReactNode {
  return (
    <Group mt={mt} gap="sm">
      <Button type="submit" loading={loading} disabled={disabled}>
        {submitLabel}
      </Button>
      <Button variant="default" onClick={onCancel}>
        Cancel
      </Button>
    </Group>
  );
}
