import { Button, Group, Modal, Text } from '@mantine/core';
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { lastServerContactMs } from '@/lib/api-client';
import { getCurrentUser } from '@/lib/auth';
import { describeDuration, formatCountdown } from '@/lib/format';
import { idlePolicy, idleState, latestActivity, shouldKeepAlive, type IdleState } from '@/lib/idle';
import { useSession } from '@/lib/session';

const ACTIVITY_STORAGE_KEY = 'medisys:last-activity';
const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;

function storedActivity(): string | null {
  try {
    return localStorage.getItem(ACTIVITY_STORAGE_KEY);
  } catch {
    return null;
  }
}

/**
 * Warns before the idle timeout and signs out when it passes without activity (clicks, keys,
 * scrolling) in any tab. Activity also keeps the server's session alive, so someone typing a long
 * note is not signed out by the server while the browser thinks they are active.
 */
export function IdleGuard(): ReactNode {
  const { idleTimeoutSeconds, signOut } = useSession();
  const policy = useMemo(() => idlePolicy(idleTimeoutSeconds), [idleTimeoutSeconds]);
  const lastActivity = useRef(Date.now());
  const lastStored = useRef(0);
  const [state, setState] = useState<IdleState>({ kind: 'active' });
  const signingOut = useRef(false);

  useEffect(() => {
    const onActivity = (): void => {
      const now = Date.now();
      lastActivity.current = now;
      if (now - lastStored.current > 1000) {
        lastStored.current = now;
        try {
          localStorage.setItem(ACTIVITY_STORAGE_KEY, String(now));
        } catch {
          // Without storage each tab keeps its own clock.
        }
      }
      if (shouldKeepAlive(policy, lastServerContactMs(), now)) void getCurrentUser().catch(() => undefined);
    };
    for (const event of ACTIVITY_EVENTS) window.addEventListener(event, onActivity, { passive: true });
    return () => {
      for (const event of ACTIVITY_EVENTS) window.removeEventListener(event, onActivity);
    };
  }, [policy]);

  useEffect(() => {
    const tick = (): void => {
      const last = latestActivity(lastActivity.current, storedActivity());
      lastActivity.current = last;
      const next = idleState(policy, last, Date.now());
      setState((previous) => (previous.kind === next.kind && next.kind !== 'warning' ? previous : next));
      if (next.kind === 'expired' && !signingOut.current) {
        signingOut.current = true;
        void signOut('idle');
      }
    };
    const timer = window.setInterval(tick, 1000);
    return () => window.clearInterval(timer);
  }, [policy, signOut]);

  const stay = (): void => {
    lastActivity.current = Date.now();
    setState({ kind: 'active' });
    void getCurrentUser().catch(() => undefined);
  };

  return (
    <Modal
      opened={state.kind === 'warning'}
      onClose={stay}
      title="Are you still there?"
      centered
      closeOnClickOutside={false}
      data-testid="idle-warning"
    >
      <Text mb="md">
        For patients&apos; privacy you will be signed out after {describeDuration(idleTimeoutSeconds)} without
        activity. Signing out in{' '}
        <Text span fw={700} aria-live="polite">
          {state.kind === 'warning' ? formatCountdown(state.remainingMs / 1000) : ''}
        </Text>
        .
      </Text>
      <Group justify="flex-end">
        <Button variant="default" onClick={() => void signOut('user')}>
          Sign out now
        </Button>
        <Button onClick={stay} data-autofocus>
          Stay signed in
        </Button>
      </Group>
    </Modal>
  );
}
