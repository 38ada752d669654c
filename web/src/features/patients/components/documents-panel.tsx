import {
  Anchor,
  Badge,
  Button,
  FileInput,
  Group,
  Paper,
  Progress,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent, type ReactNode } from 'react';
import { EmptyState } from '@/components/ui/empty-state';
import { IconUpload } from '@/components/ui/icons';
import { PageLoader } from '@/components/ui/page-loader';
import { ProblemAlert } from '@/components/ui/problem-alert';
import { formatBytes, formatDateTime, humanise } from '@/lib/format';
import { useCan } from '@/lib/session';
import {
  DOCUMENT_ACCEPT,
  DOCUMENT_CATEGORIES,
  documentContentUrl,
  PHOTO_ACCEPT,
  useDocuments,
  useSetPhoto,
  useUploadDocument,
  type DocumentCategory,
} from '../api/documents';
import { BreakGlassPanel, isNotInCare } from './break-glass-panel';

function percent(progress: { loadedBytes: number; totalBytes: number } | undefined): number {
  if (!progress || progress.totalBytes === 0) return 0;
  return Math.round((progress.loadedBytes / progress.totalBytes) * 100);
}

function UploadForm({ patientId }: { patientId: string }): ReactNode {
  const upload = useUploadDocument(patientId);
  const [file, setFile] = useState<File | null>(null);
  const [title, setTitle] = useState('');
  const [category, setCategory] = useState<DocumentCategory>('other');
  const [progress, setProgress] = useState<{ loadedBytes: number; totalBytes: number } | undefined>(
    undefined,
  );
  const [fileError, setFileError] = useState<string | undefined>(undefined);

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (!file) {
      setFileError('Choose a file to upload.');
      return;
    }
    setFileError(undefined);
    setProgress({ loadedBytes: 0, totalBytes: file.size });
    upload.mutate(
      { file, category, ...(title.trim() ? { title: title.trim() } : {}), onProgress: setProgress },
      {
        onSuccess: (document) => {
          notifications.show({ color: 'green', title: 'Uploaded', message: `${document.title} is on file.` });
          setFile(null);
          setTitle('');
          setProgress(undefined);
        },
        onError: () => setProgress(undefined),
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Upload a document">
      <Stack gap="sm">
        <Title order={2} size="h5">
          Upload a document
        </Title>
        <ProblemAlert error={upload.error} title="The document was not uploaded" />
        <Group align="flex-start" gap="md" wrap="wrap">
          <FileInput
            label="File"
            description="PDF, PNG, JPEG, WebP, TIFF or DICOM"
            accept={DOCUMENT_ACCEPT}
            value={file}
            onChange={setFile}
            error={fileError}
            clearable
            clearButtonProps={{ 'aria-label': 'Remove the chosen file' }}
            required
            w={260}
          />
          <TextInput
            label="Title"
            description="Defaults to the file name"
            value={title}
            onChange={(event) => setTitle(event.currentTarget.value)}
            w={240}
          />
          <Select
            label="Category"
            data={DOCUMENT_CATEGORIES.map((value) => ({ value, label: humanise(value) }))}
            value={category}
            onChange={(value) => setCategory(value ?? 'other')}
            allowDeselect={false}
            w={180}
          />
        </Group>
        {progress ? (
          <Progress
            value={percent(progress)}
            aria-label={`Upload progress ${percent(progress)}%`}
            striped
            animated
          />
        ) : null}
        <Button
          type="submit"
          loading={upload.isPending}
          leftSection={<IconUpload size={16} aria-hidden />}
          w="fit-content"
        >
          Upload
        </Button>
      </Stack>
    </form>
  );
}

function PhotoForm({ patientId }: { patientId: string }): ReactNode {
  const setPhoto = useSetPhoto(patientId);
  const [progress, setProgress] = useState<{ loadedBytes: number; totalBytes: number } | undefined>(
    undefined,
  );
  return (
    <Stack gap="xs">
      <FileInput
        label="Patient photo"
        description="PNG, JPEG or WebP; replaces the current photo, which stays on file"
        accept={PHOTO_ACCEPT}
        value={null}
        onChange={(file) => {
          if (!file) return;
          setPhoto.mutate(
            { file, onProgress: setProgress },
            {
              onSuccess: () => {
                setProgress(undefined);
                notifications.show({
                  color: 'green',
                  title: 'Photo updated',
                  message: 'The new photo is shown.',
                });
              },
              onError: () => setProgress(undefined),
            },
          );
        }}
        w={320}
      />
      {progress ? (
        <Progress value={percent(progress)} aria-label={`Photo upload progress ${percent(progress)}%`} />
      ) : null}
      <ProblemAlert error={setPhoto.error} title="The photo was not saved" />
    </Stack>
  );
}

/** The patient's documents: list with downloads, upload with progress, and the photo. */
export function DocumentsPanel({ patientId }: { patientId: string }): ReactNode {
  const documents = useDocuments(patientId);
  const canWrite = useCan('documents:write');
  if (isNotInCare(documents.error))
    return <BreakGlassPanel patientId={patientId} problem={documents.error} />;
  return (
    <Stack gap="md">
      {canWrite ? (
        <Paper withBorder p="md" radius="md">
          <Group align="flex-start" gap="xl" wrap="wrap">
            <UploadForm patientId={patientId} />
            <PhotoForm patientId={patientId} />
          </Group>
        </Paper>
      ) : null}
      {documents.isPending ? <PageLoader /> : null}
      <ProblemAlert error={documents.error} onRetry={() => void documents.refetch()} />
      {documents.data && documents.data.items.length === 0 ? (
        <EmptyState>No documents on file.</EmptyState>
      ) : null}
      {documents.data && documents.data.items.length > 0 ? (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={640}>
            <Table striped verticalSpacing="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Title</Table.Th>
                  <Table.Th>Category</Table.Th>
                  <Table.Th>Type</Table.Th>
                  <Table.Th>Size</Table.Th>
                  <Table.Th>Uploaded</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {documents.data.items.map((document) => (
                  <Table.Tr key={document.id}>
                    <Table.Td>
                      <Anchor
                        href={documentContentUrl(patientId, document.id)}
                        target="_blank"
                        rel="noopener"
                      >
                        {document.title}
                      </Anchor>
                      {document.profilePhoto ? (
                        <Badge ml="xs" size="sm" variant="light">
                          Current photo
                        </Badge>
                      ) : null}
                    </Table.Td>
                    <Table.Td>{humanise(document.category)}</Table.Td>
                    <Table.Td>
                      <Text size="sm">{document.contentType}</Text>
                    </Table.Td>
                    <Table.Td>{formatBytes(document.sizeBytes)}</Table.Td>
                    <Table.Td>{formatDateTime(document.uploadedAt)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      ) : null}
    </Stack>
  );
}
