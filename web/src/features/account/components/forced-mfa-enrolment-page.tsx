import type { ReactNode } from 'react';
import { useSession } from '@/lib/session';
import { ForcedPageFrame } from './forced-page-frame';
import { MfaEnrolment } from './mfa-enrolment';

/** A role that requires two-step sign-in (security.mfa.required-roles) enrols before anything else. */
export function ForcedMfaEnrolmentPage(): ReactNode {
  const { refresh } = useSession();
  return (
    <ForcedPageFrame
      title="Set up two-step sign-in"
      explanation="Your role requires a second step at sign-in: a code from an authenticator app on your phone. Set it up now to continue."
    >
      <MfaEnrolment onEnrolled={refresh} />
    </ForcedPageFrame>
  );
}
