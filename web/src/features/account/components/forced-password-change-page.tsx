import type { ReactNode } from 'react';
import { useSession } from '@/lib/session';
import { ChangePasswordForm } from './change-password-form';
import { ForcedPageFrame } from './forced-page-frame';

/** After an administrator set a temporary password: nothing else works until it is changed. */
export function ForcedPasswordChangePage(): ReactNode {
  const { refresh } = useSession();
  return (
    <ForcedPageFrame
      title="Choose a new password"
      explanation="Your password was set by an administrator or has expired. Choose your own before you continue."
    >
      <ChangePasswordForm onChanged={refresh} />
    </ForcedPageFrame>
  );
}
