import type { ReactNode } from 'react';
import type { VersionedEdit } from '@/lib/versioned-edit';
import { EditConflictNotice } from './edit-conflict-notice';
import { FormActions } from './form-actions';
import { ProblemAlert } from './problem-alert';

/** The frame of an edit made with useVersionedEdit: the 412 choice, the error, the fields, save and cancel. */
export function VersionedEditForm<Saved, Values>({
  edit,
  label,
  saveLabel,
  onCancel,
  children,
}: {
  edit: VersionedEdit<Saved, Values>;
  /** The form's accessible name. */
  label: string;
  saveLabel: string;
  onCancel: () => void;
  children: ReactNode;
}): ReactNode {
  return (
    <form onSubmit={edit.submit} noValidate aria-label={label}>
      {edit.conflict ? (
        <EditConflictNotice
          rows={edit.conflict.rows}
          savedAt={edit.conflict.savedAt}
          onUseCurrent={edit.discardMine}
          onKeepMine={edit.keepMine}
        />
      ) : null}
      {edit.showAlert ? <ProblemAlert error={edit.error} title="The changes were not saved" /> : null}
      {children}
      <FormActions
        submitLabel={saveLabel}
        loading={edit.saving}
        disabled={edit.conflict !== undefined}
        onCancel={onCancel}
      />
    </form>
  );
}
