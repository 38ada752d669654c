/** A fictitious hospital. Every name here is invented; none belongs to a real patient. */
export const DEMO_DEPARTMENTS = [
  {
    code: 'EMERG',
    name: 'Emergency',
    location: 'Building A',
    floor: 'Ground',
    specialization: 'Emergency medicine',
  },
  { code: 'CARD', name: 'Cardiology', location: 'Building B', floor: '2', specialization: 'Cardiology' },
  { code: 'PED', name: 'Paediatrics', location: 'Building C', floor: '1', specialization: 'Paediatrics' },
  {
    code: 'ORTH',
    name: 'Orthopaedics',
    location: 'Building B',
    floor: '3',
    specialization: 'Orthopaedic surgery',
  },
  {
    code: 'GEN',
    name: 'General Medicine',
    location: 'Building A',
    floor: '1',
    specialization: 'Internal medicine',
  },
] as const;

export const DEMO_DOCTOR_NAMES = [
  'Dr. Amara Okafor',
  'Dr. Lukas Brandt',
  'Dr. Priya Raman',
  'Dr. Tomás Herrera',
  'Dr. Mei Lin',
  'Dr. Jonas Eriksen',
  'Dr. Fatima Haddad',
  'Dr. Samuel Mensah',
  'Dr. Elena Petrova',
  'Dr. Hiroshi Sato',
];

const GIVEN = [
  'Anna',
  'Ben',
  'Carla',
  'David',
  'Eva',
  'Farid',
  'Grace',
  'Hugo',
  'Ines',
  'Jamal',
  'Kira',
  'Leo',
];
const FAMILY = [
  'Adler',
  'Bauer',
  'Costa',
  'Dimitrov',
  'Evans',
  'Fischer',
  'Garcia',
  'Horvat',
  'Ivanova',
  'Jensen',
];

export interface DemoPatient {
  readonly name: string;
  readonly dateOfBirth: string;
  readonly sex: 'female' | 'male';
  readonly phone: string;
}

/** Deterministic demo patients: the same list on every run. */
export function demoPatients(count: number): DemoPatient[] {
  return Array.from({ length: count }, (_, index) => {
    const given = GIVEN[index % GIVEN.length]!;
    const family = FAMILY[Math.floor(index / GIVEN.length) % FAMILY.length]!;
    const year = 1940 + ((index * 7) % 80);
    const month = String(1 + (index % 12)).padStart(2, '0');
    const day = String(1 + ((index * 3) % 28)).padStart(2, '0');
    return {
      name: `${given} ${family}`,
      dateOfBirth: `${year}-${month}-${day}`,
      sex: index % 2 === 0 ? 'female' : 'male',
      phone: `+1 555 01${String(index).padStart(2, '0')}`,
    };
  });
}

export const DEMO_COMPLAINTS = [
  { priority: 1, complaint: 'Cardiac arrest, CPR in progress' },
  { priority: 2, complaint: 'Chest pain radiating to left arm' },
  { priority: 3, complaint: 'Abdominal pain, vomiting' },
  { priority: 4, complaint: 'Suspected wrist fracture after a fall' },
  { priority: 5, complaint: 'Prescription renewal' },
] as const;
