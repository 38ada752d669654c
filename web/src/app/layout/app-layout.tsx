import { Avatar, Burger, Drawer, Group, Menu, NavLink, Stack, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconChevronDown, IconHeartbeat, IconLogout } from '@/components/ui/icons';
import { Suspense, type ReactNode } from 'react';
import { Link, Outlet, useLocation } from 'react-router';
import { PageLoader } from '@/components/ui/page-loader';
import { ROLE_LABELS, useSession } from '@/lib/session';
import { ACCOUNT_ITEM, isActive, visibleNavigation } from '../navigation';
import { IdleGuard } from '../session/idle-guard';
import { StepUpPrompt } from '../session/step-up-prompt';
import classes from './app-layout.module.css';

function Navigation({ onNavigate }: { onNavigate?: () => void }): ReactNode {
  const { permissions } = useSession();
  const { pathname } = useLocation();
  return (
    <nav aria-label="Main">
      {visibleNavigation(permissions).map((section, index) => (
        <div key={section.title ?? index}>
          {section.title ? (
            <Text component="h2" className={classes.sectionTitle}>
              {section.title}
            </Text>
          ) : null}
          <Stack gap={2}>
            {section.items.map((item) => {
              const active = isActive(item, pathname);
              return (
                <NavLink
                  key={item.to}
                  component={Link}
                  to={item.to}
                  label={item.label}
                  leftSection={<item.icon size={18} stroke={1.6} aria-hidden />}
                  active={active}
                  aria-current={active ? 'page' : undefined}
                  onClick={onNavigate}
                />
              );
            })}
          </Stack>
        </div>
      ))}
    </nav>
  );
}

function UserMenu(): ReactNode {
  const { user, signOut } = useSession();
  const name = user.displayName ?? user.username;
  return (
    <Menu position="bottom-end" width={220} withinPortal>
      <Menu.Target>
        <UnstyledButton data-testid="account-menu">
          <Group gap="xs">
            <Avatar size="sm" color="blue" name={name} aria-hidden />
            <div>
              <Text size="sm" fw={600} lh={1.2}>
                {name}
              </Text>
              <Text size="xs" c="dimmed" lh={1.2}>
                {ROLE_LABELS[user.role]}
              </Text>
            </div>
            <IconChevronDown size={14} aria-hidden />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item component={Link} to={ACCOUNT_ITEM.to} leftSection={<ACCOUNT_ITEM.icon size={16} />}>
          {ACCOUNT_ITEM.label}
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item leftSection={<IconLogout size={16} />} onClick={() => void signOut('user')}>
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

/** The signed-in frame of every page: header, role-aware navigation, the page, the idle guard. */
export function AppLayout(): ReactNode {
  const [drawerOpened, drawer] = useDisclosure(false);
  return (
    <div className={classes.root}>
      <a className={classes.skipLink} href="#main-content">
        Skip to main content
      </a>
      <header className={classes.header}>
        <Group gap="sm">
          <Burger
            className={classes.burger}
            opened={drawerOpened}
            onClick={drawer.toggle}
            aria-label={drawerOpened ? 'Close navigation' : 'Open navigation'}
            size="sm"
          />
          <Link to="/" className={classes.brand}>
            <IconHeartbeat size={26} aria-hidden />
            MediSys
          </Link>
        </Group>
        <UserMenu />
      </header>
      <aside className={classes.navbar}>
        <Navigation />
      </aside>
      <Drawer opened={drawerOpened} onClose={drawer.close} title="MediSys" size={260}>
        <Navigation onNavigate={drawer.close} />
      </Drawer>
      <main id="main-content" className={classes.main} tabIndex={-1}>
        <Suspense fallback={<PageLoader />}>
          <Outlet />
        </Suspense>
      </main>
      <IdleGuard />
      <StepUpPrompt />
    </div>
  );
}
