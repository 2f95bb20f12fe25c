/** Roles of POLICY.md R1. A role grants only what its work needs. */
export const ROLES = [
  'camera',
  'operator',
  'dispatcher',
  'investigator',
  'supervisor',
  'administrator',
  'auditor',
  'records_custodian',
] as const;

export type Role = (typeof ROLES)[number];
