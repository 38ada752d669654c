import {
  convertCssVariables,
  deepMerge,
  defaultCssVariablesResolver,
  DEFAULT_THEME,
  mergeMantineTheme,
  type CSSVariablesResolver,
  type MantineThemeOverride,
} from '@mantine/core';
import type { Plugin } from 'vite';

const PUBLIC_ID = 'virtual:mantine-theme.css';
const RESOLVED_ID = `\0${PUBLIC_ID}`;

/**
 * Mantine normally writes its theme's CSS variables into a <style> element at run time, which a
 * Content-Security-Policy without 'unsafe-inline' refuses. This plugin computes the same variables
 * from our theme at build time and serves them as an ordinary stylesheet
 * (`import 'virtual:mantine-theme.css'`), so the app runs with MantineProvider's
 * withCssVariables={false} under `style-src 'self'`.
 */
export function mantineStaticCss(theme: MantineThemeOverride, resolver: CSSVariablesResolver): Plugin {
  return {
    name: 'medisys:mantine-static-css',
    resolveId(id) {
      return id === PUBLIC_ID ? RESOLVED_ID : undefined;
    },
    load(id) {
      if (id !== RESOLVED_ID) return undefined;
      const merged = mergeMantineTheme(DEFAULT_THEME, theme);
      const variables = deepMerge(defaultCssVariablesResolver(merged), resolver(merged));
      return convertCssVariables(variables, ':root');
    },
  };
}
