import { useForm, type FormValidateInput, type UseFormReturnType } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import {
  useQueryClient,
  type FetchQueryOptions,
  type QueryKey,
  type UseMutationResult,
} from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { isApiError, type ApiError } from './api-client';
import { reapplyChanges, type ConflictRow } from './edit-conflict';
import { formProblem } from './problem';
import type { VersionedUpdate } from './versioned-record';

/** A save refused with 412: the version saved in between, and how it compares with this edit. */
export interface EditConflict<Saved> {
  readonly current: Saved;
  readonly rows: ConflictRow[];
  readonly savedAt: string;
}

export interface VersionedEditOptions<
  Saved extends { readonly etag: string },
  Values,
  Changes extends object,
> {
  /** The version the edit begins from. */
  readonly record: Saved;
  /** The record's query, fetched afresh after a 412 to show what the other person saved. */
  readonly recordQuery: FetchQueryOptions<Saved, ApiError, Saved, QueryKey>;
  /** The PATCH, which answers 412 when someone saved the record since `etag`. */
  readonly update: UseMutationResult<Saved, ApiError, VersionedUpdate<Changes>>;
  readonly formValues: (record: Saved) => Values;
  readonly validate: FormValidateInput<Values>;
  /** The PATCH body: only what differs from `base`; nothing changed closes the form unsaved. */
  readonly changes: (base: Saved, values: Values) => Changes;
  readonly conflictRows: (base: Saved, current: Saved, values: Values) => ConflictRow[];
  /** The form after "apply my changes to the new version"; by default each field this user changed. */
  readonly keepMine?: (base: Saved, current: Saved, mine: Values) => Values;
  readonly savedAt: (record: Saved) => string;
  /** The form's fields, which take the server's field errors beside them. */
  readonly fields: readonly string[];
  readonly savedMessage: string;
  readonly onDone: () => void;
}

export interface VersionedEdit<Saved, Values> {
  readonly form: UseFormReturnType<Values>;
  readonly submit: (event?: FormEvent<HTMLFormElement>) => void;
  readonly conflict: EditConflict<Saved> | undefined;
  /** Drops this user's changes for the version saved in between. */
  readonly discardMine: () => void;
  /** Lays this user's changes over the version saved in between, to be saved again. */
  readonly keepMine: () => void;
  readonly saving: boolean;
  readonly error: ApiError | null;
  /** Whether the error needs an alert above the form (not every error found its field). */
  readonly showAlert: boolean;
}

/**
 * Editing a record with optimistic locking: the save sends If-Match with the version the edit began
 * from; a 412 fetches the version saved in between and lets the user choose what to keep.
 */
export function useVersionedEdit<
  Saved extends { readonly etag: string },
  Values extends object,
  Changes extends object,
>(options: VersionedEditOptions<Saved, Values, Changes>): VersionedEdit<Saved, Values> {
  const queryClient = useQueryClient();
  const { update, formValues, fields } = options;
  // The version the edit is based on: the If-Match of the save.
  const [base, setBase] = useState<Saved>(options.record);
  const [conflict, setConflict] = useState<EditConflict<Saved> | undefined>(undefined);
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: formValues(options.record),
    validate: options.validate,
  });

  const submit = form.onSubmit(async (values) => {
    const changes = options.changes(base, values);
    if (Object.keys(changes).length === 0) {
      options.onDone();
      return;
    }
    try {
      await update.mutateAsync({ etag: base.etag, changes });
      notifications.show({ color: 'green', title: 'Saved', message: options.savedMessage });
      options.onDone();
    } catch (error) {
      if (!isApiError(error)) return;
      if (error.status === 412) {
        const current = await queryClient.fetchQuery({ ...options.recordQuery, staleTime: 0 });
        setConflict({
          current,
          rows: options.conflictRows(base, current, values),
          savedAt: options.savedAt(current),
        });
        update.reset();
      } else {
        form.setErrors(formProblem(error.problem, fields).fieldErrors);
      }
    }
  });

  const discardMine = (): void => {
    if (!conflict) return;
    setBase(conflict.current);
    form.setValues(formValues(conflict.current));
    setConflict(undefined);
  };
  const keepMine = (): void => {
    if (!conflict) return;
    const mine = form.getValues();
    form.setValues(
      options.keepMine
        ? options.keepMine(base, conflict.current, mine)
        : reapplyChanges(formValues(base), formValues(conflict.current), mine),
    );
    setBase(conflict.current);
    setConflict(undefined);
  };

  return {
    form,
    submit,
    conflict,
    discardMine,
    keepMine,
    saving: update.isPending,
    error: update.error,
    showAlert: formProblem(update.error?.problem, fields).showAlert,
  };
}
