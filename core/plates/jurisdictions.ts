/**
 * Jurisdictions that issue plates: US states, DC and territories, Canadian provinces and
 * territories, Mexican states. Cameras send the short code (`CA`, `ON`, `JAL`); feeds
 * sometimes send ISO 3166-2 (`US-CA`, `CA-ON`, `MX-JAL`). Both resolve to one entry.
 */
import { ErrJurisdictionUnknown } from '../errors.js';

export type Country = 'US' | 'CA' | 'MX';

export interface Jurisdiction {
  /** Short code as cameras and NCIC send it. */
  readonly code: string;
  readonly name: string;
  readonly country: Country;
  /** Small integer for compact indexes; 0 means "no state". */
  readonly id: number;
}

const US: Record<string, string> = {
  AL: 'Alabama', AK: 'Alaska', AZ: 'Arizona', AR: 'Arkansas', CA: 'California', CO: 'Colorado',
  CT: 'Connecticut', DE: 'Delaware', FL: 'Florida', GA: 'Georgia', HI: 'Hawaii', ID: 'Idaho',
  IL: 'Illinois', IN: 'Indiana', IA: 'Iowa', KS: 'Kansas', KY: 'Kentucky', LA: 'Louisiana',
  ME: 'Maine', MD: 'Maryland', MA: 'Massachusetts', MI: 'Michigan', MN: 'Minnesota',
  MS: 'Mississippi', MO: 'Missouri', MT: 'Montana', NE: 'Nebraska', NV: 'Nevada',
  NH: 'New Hampshire', NJ: 'New Jersey', NM: 'New Mexico', NY: 'New York', NC: 'North Carolina',
  ND: 'North Dakota', OH: 'Ohio', OK: 'Oklahoma', OR: 'Oregon', PA: 'Pennsylvania',
  RI: 'Rhode Island', SC: 'South Carolina', SD: 'South Dakota', TN: 'Tennessee', TX: 'Texas',
  UT: 'Utah', VT: 'Vermont', VA: 'Virginia', WA: 'Washington', WV: 'West Virginia',
  WI: 'Wisconsin', WY: 'Wyoming', DC: 'District of Columbia',
  PR: 'Puerto Rico', GU: 'Guam', VI: 'U.S. Virgin Islands', AS: 'American Samoa',
  MP: 'Northern Mariana Islands',
};

const CANADA: Record<string, string> = {
  AB: 'Alberta', BC: 'British Columbia', MB: 'Manitoba', NB: 'New Brunswick',
  NL: 'Newfoundland and Labrador', NS: 'Nova Scotia', NT: 'Northwest Territories', NU: 'Nunavut',
  ON: 'Ontario', PE: 'Prince Edward Island', QC: 'Quebec', SK: 'Saskatchewan', YT: 'Yukon',
};

const MEXICO: Record<string, string> = {
  AGU: 'Aguascalientes', BCN: 'Baja California', BCS: 'Baja California Sur', CAM: 'Campeche',
  CHP: 'Chiapas', CHH: 'Chihuahua', COA: 'Coahuila', COL: 'Colima', CMX: 'Ciudad de México',
  DUR: 'Durango', GUA: 'Guanajuato', GRO: 'Guerrero', HID: 'Hidalgo', JAL: 'Jalisco',
  MEX: 'Estado de México', MIC: 'Michoacán', MOR: 'Morelos', NAY: 'Nayarit', NLE: 'Nuevo León',
  OAX: 'Oaxaca', PUE: 'Puebla', QUE: 'Querétaro', ROO: 'Quintana Roo', SLP: 'San Luis Potosí',
  SIN: 'Sinaloa', SON: 'Sonora', TAB: 'Tabasco', TAM: 'Tamaulipas', TLA: 'Tlaxcala',
  VER: 'Veracruz', YUC: 'Yucatán', ZAC: 'Zacatecas',
};

const byCode = new Map<string, Jurisdiction>();
const byId: Jurisdiction[] = [];

function register(country: Country, table: Record<string, string>): void {
  for (const [code, name] of Object.entries(table)) {
    const j: Jurisdiction = { code, name, country, id: byId.length + 1 };
    byId.push(j);
    byCode.set(code, j);
    byCode.set(`${country}-${code}`, j);
  }
}
register('US', US);
register('CA', CANADA);
register('MX', MEXICO);

export const JURISDICTIONS: readonly Jurisdiction[] = byId;

/** Look a code up (`CA`, `us-ca`, ` on `); `undefined` when unknown. */
export function findJurisdiction(code: string): Jurisdiction | undefined {
  return byCode.get(code.trim().toUpperCase());
}

/** Resolve a code to its short form, or throw `PS_ERR_JURISDICTION_UNKNOWN`. */
export function jurisdictionCode(code: string): string {
  const j = findJurisdiction(code);
  if (!j) throw new ErrJurisdictionUnknown(`unknown jurisdiction ${JSON.stringify(code)}`, { st: code });
  return j.code;
}

/** Compact id for indexes: 0 for no state. */
export function jurisdictionId(code: string | undefined | null): number {
  return code ? (byCode.get(code)?.id ?? 0) : 0;
}

export function jurisdictionById(id: number): Jurisdiction | undefined {
  return id > 0 ? byId[id - 1] : undefined;
}
