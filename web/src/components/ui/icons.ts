/**
 * The icons the app uses, each imported from its own module: importing the package root makes the
 * bundler read all ~6,000 icons on every build. Add an icon here, then import it from this file.
 */
export type { TablerIcon as Icon } from '@tabler/icons-react';
export { default as IconAlertTriangle } from '@tabler/icons-react/icons/IconAlertTriangle';
export { default as IconArrowsSort } from '@tabler/icons-react/icons/IconArrowsSort';
export { default as IconCalendarEvent } from '@tabler/icons-react/icons/IconCalendarEvent';
export { default as IconChevronDown } from '@tabler/icons-react/icons/IconChevronDown';
export { default as IconChevronLeft } from '@tabler/icons-react/icons/IconChevronLeft';
export { default as IconChevronRight } from '@tabler/icons-react/icons/IconChevronRight';
export { default as IconDots } from '@tabler/icons-react/icons/IconDots';
export { default as IconDownload } from '@tabler/icons-react/icons/IconDownload';
export { default as IconFirstAidKit } from '@tabler/icons-react/icons/IconFirstAidKit';
export { default as IconGauge } from '@tabler/icons-react/icons/IconGauge';
export { default as IconHeartbeat } from '@tabler/icons-react/icons/IconHeartbeat';
export { default as IconListSearch } from '@tabler/icons-react/icons/IconListSearch';
export { default as IconLock } from '@tabler/icons-react/icons/IconLock';
export { default as IconLogout } from '@tabler/icons-react/icons/IconLogout';
export { default as IconShieldLock } from '@tabler/icons-react/icons/IconShieldLock';
export { default as IconPlus } from '@tabler/icons-react/icons/IconPlus';
export { default as IconSearch } from '@tabler/icons-react/icons/IconSearch';
export { default as IconUpload } from '@tabler/icons-react/icons/IconUpload';
export { default as IconSortAscending } from '@tabler/icons-react/icons/IconSortAscending';
export { default as IconSortDescending } from '@tabler/icons-react/icons/IconSortDescending';
export { default as IconUsers } from '@tabler/icons-react/icons/IconUsers';
export { default as IconUserShield } from '@tabler/icons-react/icons/IconUserShield';
export { default as IconFileInvoice } from '@tabler/icons-react/icons/IconFileInvoice';
export { default as IconReportAnalytics } from '@tabler/icons-react/icons/IconReportAnalytics';
export { default as IconShieldCheck } from '@tabler/icons-react/icons/IconShieldCheck';
export { default as IconTrash } from '@tabler/icons-react/icons/IconTrash';
export { default as IconAmbulance } from '@tabler/icons-react/icons/IconAmbulance';
export { default as IconBuildingHospital } from '@tabler/icons-react/icons/IconBuildingHospital';
export { default as IconStethoscope } from '@tabler/icons-react/icons/IconStethoscope';
