import { useForm, type FormValidateInput, type UseFormReturnType } from '@mantine/form';
import type { UseMutationResult } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { isApiError, type ApiError } from './api-client';
import { formProblem } from './problem';

export interface CreateForm<Values> {
  readonly form: UseFormReturnType<Values>;
  readonly submit: (event?: FormEvent<HTMLFormElement>) => void;
  /** Whether the error needs an alert above the form (not every error found its field). */
  readonly showAlert: boolean;
}

/**
 * A form that creates a record: the server's field errors go beside the fields, and `onCreated`
 * receives the new record (to open it, say).
 */
export function useCreateForm<Values extends object, Input, Created>(options: {
  readonly create: UseMutationResult<Created, ApiError, Input>;
  readonly initialValues: Values;
  readonly validate: FormValidateInput<Values>;
  /** The form's fields, which take the server's field errors beside them. */
  readonly fields: readonly string[];
  readonly input: (values: Values) => Input;
  readonly onCreated: (created: Created) => void;
}): CreateForm<Values> {
  const { create, fields } = options;
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: options.initialValues,
    validate: options.validate,
  });
  const submit = form.onSubmit(async (values) => {
    try {
      options.onCreated(await create.mutateAsync(options.input(values)));
    } catch (error) {
      if (isApiError(error)) form.setErrors(formProblem(error.problem, fields).fieldErrors);
    }
  });
  return { form, submit, showAlert: formProblem(create.error?.problem, fields).showAlert };
}
