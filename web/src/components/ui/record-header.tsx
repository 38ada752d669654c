import { Anchor, Badge, Breadcrumbs, Group, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';

/** The top of a record's page: the way back to its list, its name as the h1, and whether it is archived. */
export function RecordHeader({
  listLabel,
  listPath,
  name,
  archived,
  description,
}: {
  listLabel: string;
  listPath: string;
  name: string;
  archived: boolean;
  description?: ReactNode;
}): ReactNode {
  return (
    <>
      <nav aria-label="Breadcrumb">
        <Breadcrumbs mb="xs">
          <Anchor component={Link} to={listPath} size="sm">
            {listLabel}
          </Anchor>
          <Text size="sm">{name}</Text>
        </Breadcrumbs>
      </nav>
      <Stack gap={2} mb="lg">
        <Group gap="xs">
          <Title order={1} size="h2">
            {name}
          </Title>
          {archived ? (
            <Badge color="gray" variant="light">
              Archived
            </Badge>
          ) : null}
        </Group>
        {description ? (
          <Text c="dimmed" size="sm">
            {description}
          </Text>
        ) : null}
      </Stack>
    </>
  );
}
