import {
  createTheme,
  darken,
  Drawer,
  Modal,
  Notification,
  type CSSVariablesResolver,
  type MantineThemeOverride,
} from '@mantine/core';

/**
 * The MediSys look: Mantine's defaults with darker shades where the defaults fall short of WCAG AA
 * contrast (4.5:1) for text. Also read at build time (web/build/mantine-static-css.ts) to write the
 * theme's CSS variables into a stylesheet, so no <style> element is created at run time.
 */
export const theme: MantineThemeOverride = createTheme({
  primaryColor: 'blue',
  primaryShade: { light: 8, dark: 8 },
  // Filled buttons and badges pick black or white text by the background's luminance.
  autoContrast: true,
  luminanceThreshold: 0.22,
  fontFamily:
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif',
  defaultRadius: 'sm',
  cursorType: 'pointer',
  focusRing: 'auto',
  // Breakpoints: the staff use desktops and tablets (768 px and wider).
  breakpoints: { xs: '36em', sm: '48em', md: '64em', lg: '75em', xl: '88em' },
  components: {
    // Mantine's scroll lock writes a <style> element, which the CSP refuses; global.css locks the page
    // behind an open dialog instead. Close buttons are icons: they need a name for screen readers.
    Modal: Modal.extend({ defaultProps: { lockScroll: false, closeButtonProps: { 'aria-label': 'Close' } } }),
    Drawer: Drawer.extend({
      defaultProps: { lockScroll: false, closeButtonProps: { 'aria-label': 'Close' } },
    }),
    Notification: Notification.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Dismiss' } } }),
  },
});

const TEXT_COLORS = [
  'blue',
  'red',
  'green',
  'orange',
  'yellow',
  'teal',
  'grape',
  'gray',
  'violet',
  'cyan',
  'indigo',
];

/** Light-variant text (badges, alerts) one step darker than Mantine's shade 9, for contrast on tinted backgrounds. */
export const cssVariablesResolver: CSSVariablesResolver = (resolved) => {
  const light: Record<string, string> = {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-placeholder': 'var(--mantine-color-gray-6)',
    '--mantine-color-error': 'var(--mantine-color-red-9)',
    // Links also sit on tinted alerts (orange, red), where blue 8 falls just short of 4.5:1.
    '--mantine-color-anchor': 'var(--mantine-color-blue-9)',
  };
  for (const color of TEXT_COLORS) {
    const shade9 = resolved.colors[color]?.[9];
    if (shade9) light[`--mantine-color-${color}-light-color`] = darken(shade9, 0.35);
  }
  return { variables: {}, light, dark: {} };
};
